using System.Diagnostics;
using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// The Azure Batch Python tutorial in one call, printing the original's milestones. Job and pool deletion go
/// through ShouldProcess (-Confirm) instead of the original's yes/no prompts.
/// </summary>
/// <remarks>
/// It makes the Core calls the step cmdlets make (BwStorageClient, TaskWaiter, and Core's TutorialRun for the run's
/// own checks and its cleanup of only what it created) instead of running the cmdlets in nested pipelines, which
/// took their parameters as untyped bags and needed every stream re-emitted by hand. A module script function that
/// splats the cmdlets was the other choice, not taken: its errors would carry the step cmdlets' ids instead of this
/// command's, and its bookkeeping (what the run made, ending the job on Ctrl+C) needs Core types that script cannot
/// reach (Core loads in a context of its own). This class orders the steps and writes milestones, progress, errors
/// and results.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "BwTutorial", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    HelpUri = ProjectLinks.Project + "#quick-start")]
[OutputType(typeof(BwTutorialResult))]
public sealed class InvokeBwTutorialCommand : BwCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [PSDefaultValue(Help = "The sample texts shipped with the module")]
    public string[]? Path { get; set; }

    [Parameter]
    [ValidateRange(0, 100000)]
    public int Top { get; set; } = 3;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PoolId { get; set; } = "BatchWordsTutorialPool";

    [Parameter]
    [ValidateNotNullOrEmpty]
    [PSDefaultValue(Help = "A new id for each run")]
    public string? JobId { get; set; }

    [Parameter]
    [ValidateRange(0, 1000)]
    public int NodeCount { get; set; } = 1;

    /// <summary>Spot (low-priority) nodes for a new pool, as New-BwPool -SpotNodeCount; preempted tasks are requeued and rerun.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int SpotNodeCount { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [PSDefaultValue(Help = "./batchwords-output")]
    public string? Destination { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    [Parameter]
    public SwitchParameter KeepPool { get; set; }

    [Parameter]
    public SwitchParameter KeepJob { get; set; }

    private TutorialRun? _run;
    // Between adding the tasks and seeing them all complete: tasks of this run may be running.
    private bool _tasksMayRun;

    private bool StopRequested => StopToken.IsCancellationRequested;

    // A failed step ends the run (after the cleanup below); steps whose failure the run survives write their own
    // non-terminating errors.
    protected override bool IsTerminating(BwException error) => true;

    protected override void EndProcessingCore()
    {
        try { RunTutorial(); }
        // Ctrl+C, a terminating error of the run (ThrowTerminatingError unwinds as a RuntimeException) and a failed
        // Core call meet here: the job is ended if tasks of this run may be running, and what is left is named.
        // The error itself goes on to the base's mapping.
        catch (Exception e) when (e is RuntimeException or BwException)
        {
            var jobEnded = _run is not null && (StopRequested || _tasksMayRun) && _run.TryTerminateCreatedJobAsync().GetAwaiter().GetResult();
            ReportLeftovers(jobEnded);
            if (e is BwException && StopRequested) throw new PipelineStoppedException();
            throw;
        }
    }

    private void RunTutorial()
    {
        var files = ResolveInputs();
        var jobId = JobId ?? TutorialRunNames.NewJobId();
        // Validated before ShouldProcess (and before any service is started): the containers are named after the job.
        var (input, output) = (TutorialRunNames.InputContainerFor(jobId), TutorialRunNames.OutputContainerFor(jobId));
        var destination = GetUnresolvedProviderPathFromPSPath(Destination ?? "batchwords-output");
        if (!ShouldProcess($"{files.Count} file(s) on pool '{PoolId}', job '{jobId}', containers '{input}' and '{output}'", "Run the Batch top-N words tutorial")) return;

        var started = DateTime.Now;
        var clock = Stopwatch.StartNew();
        var context = ResolveContext();
        var run = _run = new TutorialRun(context, jobId, PoolId);
        Run(run.CheckJobIdAsync);
        Say($"Sample start: {started:yyyy-MM-dd HH:mm:ss}");
        Say("");
        Run(ct => run.CreateContainersAsync(files, ct));

        foreach (var file in files) Say($"Uploading file {file} to container [{input}]...");
        var inputs = Upload(run, files);
        if (inputs.Count == 0) throw Stopped("None of the input files was uploaded; see the errors above.");
        Run(run.CreateJobAsync);

        // The original uploaded its task program first; here the pool's creation uploads the worker it installs.
        if (TryLocateWorker() is { } worker) Say($"Uploading file {worker} to container [{TutorialRun.ApplicationContainer}]...");
        Say($"Creating pool [{PoolId}]...");
        var pool = Run(ct => run.CreateOrReusePoolAsync(new PoolRequest { Id = PoolId, NodeCount = NodeCount, SpotNodeCount = SpotNodeCount, Log = VerboseLog }, ct));
        // Counts given on the command line that a reused pool does not have are said (the defaults were not asked for).
        var bound = MyInvocation.BoundParameters;
        if (!run.Ledger.PoolCreated && ((bound.ContainsKey(nameof(NodeCount)) && pool.TargetDedicatedNodes != NodeCount) || (bound.ContainsKey(nameof(SpotNodeCount)) && pool.TargetSpotNodes != SpotNodeCount)))
            WriteWarning($"Pool '{PoolId}' was reused with {pool.TargetDedicatedNodes} dedicated + {pool.TargetSpotNodes} Spot target node(s), not the {NodeCount} + {SpotNodeCount} asked for. Resize it with Resize-BwPool -Id {PoolId}.");

        Say($"Creating job [{jobId}]...");
        Say($"Adding {inputs.Count} tasks to job [{jobId}]...");
        var submitted = Run(ct => run.SubmitAsync(inputs, Top, VerboseLog, ct));
        foreach (var failure in submitted.Failures) WriteError(failure);
        var tasks = submitted.Tasks;
        _tasksMayRun = tasks.Count > 0;

        Say($"Monitoring all tasks for 'Completed' state, timeout in {Timeout}...");
        // The timeout (WaitTimedOut) ends the tutorial, with the job terminated and the leftovers named.
        var final = tasks.Count == 0 ? new List<BwTask>() : Wait(context, jobId, tasks);
        _tasksMayRun = false;
        var failedCount = final.Count(t => !t.Succeeded);
        if (final.Count == tasks.Count && tasks.Count > 0)
            Say(failedCount == 0
                ? "  Success! All tasks reached the 'Completed' state within the specified timeout period."
                : $"  All tasks reached the 'Completed' state within the specified timeout period; {failedCount} of them failed (see the errors).");
        if (RequeueSummary.Describe(final) is { } requeued) Say("  " + requeued);

        // Output files upload on success only: those are the blobs the run's tasks wrote.
        var outputs = final.Where(t => t.Succeeded && t.OutputBlobName is not null).Select(t => t.OutputBlobName!).ToArray();
        foreach (var blob in outputs) run.Ledger.RecordBlobWritten(output, blob);
        var downloaded = Download(run.Storage, output, outputs, destination);

        // Every task has finished with its input and output, so those go now. The application container holds the
        // worker the pool's start task installs: it can go only with the pool, because nodes that join or reboot
        // later download it (deleting it under a live pool broke the original; azure-batch-samples#165).
        Say("Deleting containers...");
        foreach (var container in new[] { input, output })
        {
            int? blobs = null;
            if (Attempt(() => blobs = Run(ct => run.RemoveWhatTheRunWroteAsync(container, ct))) is { } error) WriteError(error);
            else if (blobs > 0) Say($"  Container [{container}] existed before this run: deleted only the {blobs} blob(s) this run wrote in it.");
        }

        Say("");
        Say($"Sample end: {DateTime.Now:yyyy-MM-dd HH:mm:ss}");
        Say($"Elapsed time: {clock.Elapsed:hh\\:mm\\:ss\\.fff}");
        Say("");

        // The original's "Delete job?" and "Delete pool?" prompts, as ShouldProcess (-Confirm, -WhatIf); only what this
        // run created is deleted.
        if (!KeepJob && run.Ledger.JobCreated && ShouldProcess($"job '{jobId}'", "Delete Batch job") && Attempt(() => Run(run.DeleteJobAsync)) is { } jobError)
            WriteError(jobError);
        if (!KeepPool) RemovePoolIfOurs(run);

        // The service knows an input's blob name, not the local file it was uploaded from: that is in the tasks the
        // submission made.
        var inputPaths = tasks.Where(t => t.InputPath is not null).ToDictionary(t => t.TaskId, t => t.InputPath!, StringComparer.OrdinalIgnoreCase);
        foreach (var task in final) WriteObject(ToResult(task, inputPaths.GetValueOrDefault(task.TaskId), downloaded));
    }

    /// <summary>The pool goes only if this run created it and no other job is live on it; the application container with it if it was the run's.</summary>
    private void RemovePoolIfOurs(TutorialRun run)
    {
        if (!run.Ledger.PoolCreated)
        {
            Say($"Keeping pool [{PoolId}]: it existed before this run.");
            return;
        }
        var others = Run(run.OtherJobsOnPoolAsync);
        ApplicationContainerKept? kept = null;
        if (others.Count > 0)
            WriteWarning($"Pool '{PoolId}' was created by this run but was not deleted: job(s) '{string.Join("', '", others)}' still use it. Remove it with Remove-BwPool -Id {PoolId} once they are done.");
        else if (!ShouldProcess($"pool '{PoolId}' and its application container", "Delete Batch pool")) return;
        else if (Attempt(() => kept = Run(run.DeletePoolAsync)) is { } error) WriteError(error);
        else if (kept?.Error is { } keptError) WriteWarning($"Container '{TutorialRun.ApplicationContainer}' was kept: {keptError.Message}");
        else if (kept is not null) WriteVerbose($"Keeping container '{TutorialRun.ApplicationContainer}': the start task of pool(s) '{string.Join("', '", kept.UsedBy)}' downloads from it.");
    }

    /// <summary>Uploads the inputs (identical blobs stay, Unchanged; no -Force: a different blob of that name is the owner's).</summary>
    private List<BwInputFile> Upload(TutorialRun run, IReadOnlyList<string> files)
    {
        var inputs = new List<BwInputFile>();
        var progress = new TransferProgressWriter(1, $"Invoke-BwTutorial: uploading to container '{run.InputContainer}'");
        foreach (var item in Stream(run.Storage.UploadInputsAsync(run.InputContainer, files, new UploadOptions(), StopToken)))
        {
            if (item is TransferProgress p) WriteProgress(progress.Update(p));
            else if (item is TransferFailed f) WriteError(f.Error);
            else if (item is InputUploaded { File: var file })
            {
                WriteVerbose($"{file.Status}: {file.Path} -> {file.BlobUri}");
                if (file.Status == nameof(InputFileStatus.Uploaded)) run.Ledger.RecordBlobWritten(run.InputContainer, file.BlobName);
                inputs.Add(file);
            }
        }
        WriteProgress(progress.Complete());
        return inputs;
    }

    /// <summary>Waits for the tasks with progress; each failed one is an error with its exit code and stderr.</summary>
    private List<BwTask> Wait(BwContext context, string jobId, IReadOnlyList<BwTask> tasks)
    {
        var request = new WaitRequest { JobId = jobId, TaskIds = tasks.Select(t => t.TaskId).ToList(), Timeout = Timeout, Log = VerboseLog };
        var finished = new List<BwTask>();
        foreach (var e in Stream(new TaskWaiter(context).WaitAsync(request, StopToken)))
        {
            if (e is WaitProgress p) WriteProgress(WaitProgressRecords.Poll(3, jobId, p, p.Elapsed, p.Timeout));
            else if (e is TaskFinished f)
            {
                finished.Add(f.Task);
                if (!f.Task.Succeeded) WriteError(f.ToFailure());
            }
        }
        WriteProgress(WaitProgressRecords.Done(3, jobId));
        return finished;
    }

    /// <summary>
    /// Downloads the succeeded tasks' outputs (a local copy with the same content stays as it is, and is said to be
    /// unchanged); returns blob name -> local path.
    /// </summary>
    private Dictionary<string, string> Download(BwStorageClient storage, string container, IReadOnlyCollection<string> blobs, string destination)
    {
        var downloaded = new Dictionary<string, string>(StringComparer.Ordinal);
        if (blobs.Count == 0) return downloaded;
        var progress = new TransferProgressWriter(2, $"Invoke-BwTutorial: downloading container '{container}'");
        var options = new DownloadOptions { Force = true, BlobNames = blobs };
        var error = Attempt(() =>
        {
            foreach (var item in Stream(storage.DownloadOutputsAsync(container, destination, options, StopToken)))
            {
                if (item is TransferProgress p) WriteProgress(progress.Update(p));
                else if (item is TransferFailed f) WriteError(f.Error);
                else if (item is OutputDownloaded d)
                {
                    downloaded[d.BlobName] = d.File.FullName;
                    Say(d.Status == OutputFileStatus.Unchanged
                        ? $"  Blob {d.BlobName} from container [{container}] is already in {d.File.FullName} (unchanged)"
                        : $"  Downloaded blob {d.BlobName} from container [{container}] to {d.File.FullName}");
                }
            }
        });
        if (error is not null) WriteError(error);
        WriteProgress(progress.Complete());
        Say("  Download complete!");
        return downloaded;
    }

    private BwTutorialResult ToResult(BwTask task, string? inputPath, IReadOnlyDictionary<string, string> downloaded)
    {
        var outputPath = task.OutputBlobName is not null && downloaded.TryGetValue(task.OutputBlobName, out var p) ? p : null;
        IReadOnlyList<WordCount> words = Array.Empty<WordCount>();
        if (outputPath is not null && Attempt(() => words = TopWordsFile.Parse(outputPath)) is { } error) WriteError(error);
        return new BwTutorialResult
        {
            TaskId = task.TaskId,
            Input = inputPath ?? task.InputPath ?? task.InputBlobName ?? "",
            Succeeded = task.Succeeded,
            ExitCode = task.ExitCode,
            RequeueCount = task.RequeueCount,
            TopWords = words,
            OutputPath = outputPath,
        };
    }

    /// <summary>A step whose failure is reported while the run goes on (cleanup, a download): the error, or null. Ctrl+C still stops.</summary>
    private BwException? Attempt(Action step)
    {
        try { step(); return null; }
        catch (BwException e) when (!StopRequested) { return e; }
    }

    /// <summary>
    /// Names what the run made that still exists, with the command that removes each. After Ctrl+C the pipeline is
    /// stopping and refuses WriteWarning, so the line goes to the host's warning output (the user is at the console).
    /// </summary>
    private void ReportLeftovers(bool jobEnded)
    {
        var leftovers = _run?.Ledger.Leftovers() ?? Array.Empty<string>();
        var jobLine = jobEnded ? $" Job '{_run!.JobId}' was terminated so that its unfinished tasks stop running." : "";
        if (leftovers.Count == 0 && jobLine.Length == 0) return;
        var message = $"Invoke-BwTutorial {(StopRequested ? "was stopped" : "failed")} before it finished.{jobLine}" +
            (leftovers.Count == 0 ? "" : " Left behind: " + string.Join("; ", leftovers) + ".");
        if (!StopRequested)
        {
            try { WriteWarning(message); return; }
            catch (PipelineStoppedException) { /* stopping after all: to the host below */ }
        }
        try { Host?.UI?.WriteWarningLine(message); }
        catch (Exception e) when (e is not OutOfMemoryException) { /* a host without a UI: nothing more can be said */ }
    }

    /// <summary>The worker the pool installs (for the milestone line), or null when it cannot be found (the pool's creation then says why).</summary>
    private static string? TryLocateWorker()
    {
        try { return WorkerPayload.Locate(); }
        catch (BwException) { return null; }
    }

    /// <summary>The input files: -Path (wildcards resolved by the provider), else the sample texts shipped with the module.</summary>
    private List<string> ResolveInputs()
    {
        var result = new List<string>();
        if (Path is null)
        {
            var samples = System.IO.Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? "", "samples");
            if (Directory.Exists(samples)) result.AddRange(Directory.GetFiles(samples, "*.txt").OrderBy(f => f, StringComparer.Ordinal));
            if (result.Count == 0)
                throw new BwException(BwErrorKind.InvalidArgument, BwErrorIds.NoSampleTexts, $"No -Path was given and the module has no sample texts in '{samples}'.", samples, "Pass -Path with the text files to count.");
            return result;
        }
        foreach (var path in Path)
        {
            try
            {
                var resolved = GetResolvedProviderPathFromPSPath(path, out _);
                result.AddRange(resolved.Where(File.Exists));
                foreach (var dir in resolved.Where(Directory.Exists)) result.AddRange(Directory.GetFiles(dir, "*.txt").OrderBy(f => f, StringComparer.Ordinal));
            }
            catch (ItemNotFoundException)
            {
                WriteError(new BwException(BwErrorKind.ObjectNotFound, BwErrorIds.InputFileNotFound, $"Cannot find '{path}'.", path, "Check the path; wildcards such as ./data/*.txt are allowed."));
            }
        }
        if (result.Count == 0)
            throw new BwException(BwErrorKind.InvalidArgument, BwErrorIds.NoInputs, "None of the given paths names a file.", Path, "Pass -Path with existing text files.");
        return result;
    }

    /// <summary>A milestone line, shown by the host like Write-Host and kept in the information stream.</summary>
    private void Say(string text)
    {
        // Shown like Write-Host by default. An explicit -InformationAction SilentlyContinue keeps the line in the
        // information stream (-InformationVariable) without the PSHOST tag, so the host does not show it (pwsh shows
        // a PSHOST record even then); Ignore drops it.
        var quiet = MyInvocation.BoundParameters.TryGetValue("InformationAction", out var action)
            && action is ActionPreference.SilentlyContinue or ActionPreference.Ignore;
        if (quiet) WriteInformation(text, new[] { "BatchWordsTutorial" });
        else WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST", "BatchWordsTutorial" });
    }

    private static BwException Stopped(string message)
        => new(BwErrorKind.InvalidOperation, BwErrorIds.TutorialStopped, message, null, "Fix the error above and run Invoke-BwTutorial again.");
}
