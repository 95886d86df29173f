using System.Diagnostics;
using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// The Azure Batch Python tutorial in one call, printing the original's milestones. Job and pool deletion go
/// through ShouldProcess (-Confirm) instead of the original's yes/no prompts.
/// </summary>
/// <remarks>
/// It makes the same Core calls as the step cmdlets (BwStorageClient, PoolOperations, JobOperations, TaskWaiter),
/// with their typed requests, rather than running the cmdlets in nested pipelines: those needed their parameters as
/// untyped bags and every stream re-emitted by hand. A module script function that splats the cmdlets was the other
/// choice; it was not taken because its errors would carry the step cmdlets' ids instead of this command's, and its
/// bookkeeping (what this run created, ending the job on Ctrl+C) needs Core types that script cannot reach (Core is
/// loaded in a context of its own). What the run made and may delete is Core's TutorialRunLedger; this class only
/// orders the steps and writes milestones, progress, errors and the results.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "BwTutorial", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    HelpUri = ProjectLinks.Project + "#quick-start")]
[OutputType(typeof(BwTutorialResult))]
public sealed class InvokeBwTutorialCommand : BwCmdlet
{
    private const string ApplicationContainer = "application";

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

    // What this run created, so it deletes only that and names what is left when it ends early.
    private TutorialRunLedger? _ledger;
    private BwContext? _context;
    // Between adding the tasks and seeing them all complete: tasks of this run may be running.
    private bool _tasksMayRun;

    private bool StopRequested => StopToken.IsCancellationRequested;

    protected override void EndProcessing()
    {
        try { RunTutorial(); }
        // Ctrl+C, a terminating error of the run (ThrowTerminatingError unwinds as a RuntimeException) and a failed
        // Core call meet here. The job is ended only when tasks of this run may be running and this run created it
        // (a job that existed before is someone's, or an earlier run's); then what is left is named.
        catch (Exception e) when (e is RuntimeException or BwException)
        {
            ReportLeftovers((StopRequested || _tasksMayRun) && TerminateCreatedJob());
            if (e is not BwException error) throw;
            if (StopRequested) throw new PipelineStoppedException();
            ThrowTerminatingError(error);
        }
    }

    private void RunTutorial()
    {
        var files = ResolveInputs();
        var jobId = JobId ?? TutorialRunNames.NewJobId();
        // Validated before ShouldProcess: the containers' names come from the job id.
        var inputContainer = TutorialRunNames.InputContainerFor(jobId);
        var outputContainer = TutorialRunNames.OutputContainerFor(jobId);
        var destination = GetUnresolvedProviderPathFromPSPath(Destination ?? "batchwords-output");
        if (!ShouldProcess($"{files.Count} file(s) on pool '{PoolId}', job '{jobId}', containers '{inputContainer}' and '{outputContainer}'", "Run the Batch top-N words tutorial")) return;

        var started = DateTime.Now;
        var clock = Stopwatch.StartNew();
        var context = _context = ResolveContext();
        var storage = new BwStorageClient(context);
        var jobs = new JobOperations(context);
        var ledger = _ledger = new TutorialRunLedger(jobId, PoolId);
        // A job id taken by a job on another pool (or no longer active) is refused before anything is created.
        var jobExisted = Run(ct => jobs.EnsureUsableIfExistsAsync(jobId, PoolId, ct));
        Say($"Sample start: {started:yyyy-MM-dd HH:mm:ss}");
        Say("");

        // The run's own input and output containers (named after the job), and the shared application container the
        // pool's start task downloads the worker from. Only what the run created is deleted later.
        foreach (var name in new[] { ApplicationContainer, inputContainer, outputContainer })
            ledger.RecordContainer(name, Enum.Parse<ContainerStatus>(Run(ct => storage.CreateContainerAsync(name, ct)).Status));
        if (!ledger.CreatedContainer(outputContainer)) RefuseToOverwriteOutputs(storage, outputContainer, files);

        foreach (var file in files) Say($"Uploading file {file} to container [{inputContainer}]...");
        var inputs = Upload(storage, inputContainer, files);
        if (inputs.Count == 0) Fail("None of the input files was uploaded; see the errors above.");

        // The job is created before the pool is created or reused: another run that shares the pool and finishes
        // meanwhile then sees this job on it and keeps the pool (Batch accepts a job for a pool not created yet).
        ledger.JobCreated = !jobExisted && Run(ct => jobs.CreateJobIfAbsentAsync(jobId, PoolId, ct));

        // The original uploaded its task program first; here the pool's creation uploads the worker it installs.
        if (TryLocateWorker() is { } worker) Say($"Uploading file {worker} to container [{ApplicationContainer}]...");
        Say($"Creating pool [{PoolId}]...");
        CreateOrReusePool(context, ledger);

        Say($"Creating job [{jobId}]...");
        Say($"Adding {inputs.Count} tasks to job [{jobId}]...");
        var submission = new JobSubmission { JobId = jobId, PoolId = PoolId, Inputs = inputs, Top = Top, OutputContainer = outputContainer, Log = VerboseLog };
        var submitted = Run(ct => jobs.SubmitAsync(submission, ct));
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

        // The run's tasks wrote these (output files upload on success only).
        var succeededBlobs = final.Where(t => t.Succeeded && t.OutputBlobName is not null).Select(t => t.OutputBlobName!).ToArray();
        foreach (var blob in succeededBlobs) ledger.RecordBlobWritten(outputContainer, blob);
        var downloaded = Download(storage, outputContainer, succeededBlobs, destination);

        // Every task has finished with its input and output, so those go now: the run's own containers whole, and
        // from containers that existed before only the blobs this run wrote. The application container holds the
        // worker the pool's start task installs: it can go only with the pool, because nodes that join or reboot
        // later download it (deleting it under a live pool broke the original; azure-batch-samples#165).
        Say("Deleting containers...");
        foreach (var container in new[] { inputContainer, outputContainer }) RemoveWhatTheRunWrote(storage, ledger, container);

        Say("");
        Say($"Sample end: {DateTime.Now:yyyy-MM-dd HH:mm:ss}");
        Say($"Elapsed time: {clock.Elapsed:hh\\:mm\\:ss\\.fff}");
        Say("");

        // The original's "Delete job?" and "Delete pool?" prompts, as ShouldProcess (-Confirm, -WhatIf). Only what
        // this run created is deleted.
        if (!KeepJob && ledger.JobCreated && ShouldProcess($"job '{jobId}'", "Delete Batch job"))
        {
            if (Attempt(ct => jobs.DeleteJobAsync(jobId, ct)) is { } jobError) WriteError(jobError);
            else ledger.JobDeleted = true;
        }
        if (!KeepPool) RemovePoolIfOurs(context, storage, ledger);

        // Wait-BwTask reads the tasks back from the service, which knows the input's blob name, not the local file
        // it was uploaded from: that comes from the tasks the submission made.
        var inputPaths = tasks.Where(t => t.InputPath is not null).ToDictionary(t => t.TaskId, t => t.InputPath!, StringComparer.OrdinalIgnoreCase);
        foreach (var task in final) WriteObject(ToResult(task, inputPaths.GetValueOrDefault(task.TaskId), downloaded));
    }

    /// <summary>Uploads the inputs (identical blobs stay, Unchanged; no -Force: a different blob of that name is the owner's).</summary>
    private List<BwInputFile> Upload(BwStorageClient storage, string container, IReadOnlyList<string> files)
    {
        var inputs = new List<BwInputFile>();
        var progress = new TransferProgressWriter(1, $"Invoke-BwTutorial: uploading to container '{container}'");
        foreach (var item in Stream(storage.UploadInputsAsync(container, files, new UploadOptions(), StopToken)))
        {
            if (item is TransferProgress p) WriteProgress(progress.Update(p));
            else if (item is TransferFailed f) WriteError(f.Error);
            else if (item is InputUploaded { File: var file })
            {
                WriteVerbose($"{file.Status}: {file.Path} -> {file.BlobUri}");
                if (file.Status == nameof(InputFileStatus.Uploaded)) _ledger!.RecordBlobWritten(container, file.BlobName);
                inputs.Add(file);
            }
        }
        WriteProgress(progress.Complete());
        return inputs;
    }

    /// <summary>
    /// Creates the pool or reuses a compatible one. A node count given on the command line that a reused pool does
    /// not have is said (the defaults were not asked for, so a run with them does not warn).
    /// </summary>
    private void CreateOrReusePool(BwContext context, TutorialRunLedger ledger)
    {
        var request = new PoolRequest { Id = PoolId, NodeCount = NodeCount, SpotNodeCount = SpotNodeCount, ApplicationContainer = ApplicationContainer, Log = VerboseLog };
        var pool = Run(ct => new PoolOperations(context).CreateOrReuseAsync(request, ct));
        ledger.PoolCreated = pool.Provisioning == nameof(PoolProvisioning.Created);
        var bound = MyInvocation.BoundParameters;
        if (!ledger.PoolCreated && ((bound.ContainsKey(nameof(NodeCount)) && pool.TargetDedicatedNodes != NodeCount) || (bound.ContainsKey(nameof(SpotNodeCount)) && pool.TargetSpotNodes != SpotNodeCount)))
            WriteWarning($"Pool '{PoolId}' was reused with {pool.TargetDedicatedNodes} dedicated + {pool.TargetSpotNodes} Spot target node(s), not the {NodeCount} + {SpotNodeCount} asked for. Resize it with Resize-BwPool -Id {PoolId}.");
    }

    /// <summary>Waits for the tasks with progress; each failed one is an error with its exit code and stderr.</summary>
    private List<BwTask> Wait(BwContext context, string jobId, IReadOnlyList<BwTask> tasks)
    {
        var request = new WaitRequest { JobId = jobId, TaskIds = tasks.Select(t => t.TaskId).ToList(), Timeout = Timeout, Log = VerboseLog };
        var activity = WaitProgressText.Activity(jobId);
        var clock = Stopwatch.StartNew();
        var finished = new List<BwTask>();
        foreach (var e in Stream(new TaskWaiter(context).WaitAsync(request, StopToken)))
        {
            if (e is WaitProgress p)
                WriteProgress(new ProgressRecord(3, activity, WaitProgressText.Status(p, clock.Elapsed, Timeout)) { PercentComplete = p.Completed * 100 / Math.Max(1, p.Total) });
            else if (e is TaskFinished f)
            {
                finished.Add(f.Task);
                if (!f.Task.Succeeded) WriteError(f.ToFailure());
            }
        }
        WriteProgress(new ProgressRecord(3, activity, "Done") { RecordType = ProgressRecordType.Completed });
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

    /// <summary>
    /// In an output container that existed before the run (a -JobId whose container name is taken), a task would
    /// overwrite a blob of the same name and the cleanup would then delete it: refuse before anything runs.
    /// </summary>
    private void RefuseToOverwriteOutputs(BwStorageClient storage, string outputContainer, IReadOnlyList<string> files)
    {
        var outputs = files.Select(f => TaskCommandLine.OutputNameFor(System.IO.Path.GetFileName(f))).ToList();
        var taken = Run(ct => storage.GetExistingBlobNamesAsync(outputContainer, outputs, ct));
        if (taken.Count > 0)
            throw new BwException(BwErrorKind.ResourceExists, "OutputBlobExists",
                $"Container '{outputContainer}' existed before this run and already holds {string.Join(", ", taken.Select(t => $"'{t}'"))}, which this run's tasks would overwrite; nothing was run.",
                outputContainer, "Pass another -JobId (the run's containers are named after it), or move those blobs away.");
    }

    /// <summary>The run's own container is deleted; from one that existed before, only the blobs the run wrote.</summary>
    private void RemoveWhatTheRunWrote(BwStorageClient storage, TutorialRunLedger ledger, string container)
    {
        if (ledger.CreatedContainer(container))
        {
            if (Attempt(ct => storage.DeleteContainerAsync(container, ct)) is { } error) WriteError(error);
            else ledger.RecordContainerRemoved(container);
            return;
        }
        var blobs = ledger.BlobsWrittenInto(container);
        if (blobs.Count == 0) return;
        Say($"  Container [{container}] existed before this run: deleting only the {blobs.Count} blob(s) this run wrote in it.");
        if (Attempt(async ct => ledger.RecordBlobsDeleted(container, await storage.DeleteBlobsAsync(container, blobs, ct).ConfigureAwait(false))) is { } failed) WriteError(failed);
    }

    /// <summary>
    /// The pool goes only if this run created it and no other job is live on it (two runs share the default
    /// pool: the first to finish must not delete it under the other). The application container goes with it
    /// only if this run created the container and no other live pool's start task downloads from it.
    /// </summary>
    private void RemovePoolIfOurs(BwContext context, BwStorageClient storage, TutorialRunLedger ledger)
    {
        if (!ledger.PoolCreated)
        {
            Say($"Keeping pool [{PoolId}]: it existed before this run.");
            return;
        }
        var others = Run(ct => new JobOperations(context).GetLiveJobsOnPoolAsync(PoolId, ledger.JobId, ct));
        if (others.Count > 0)
        {
            WriteWarning($"Pool '{PoolId}' was created by this run but was not deleted: job(s) '{string.Join("', '", others)}' still use it. Remove it with Remove-BwPool -Id {PoolId} once they are done.");
            return;
        }
        if (!ShouldProcess($"pool '{PoolId}' and its application container", "Delete Batch pool")) return;
        var pools = new PoolOperations(context);
        if (Attempt(ct => pools.DeletePoolAsync(PoolId, ct)) is { } poolError)
        {
            WriteError(poolError);
            return;
        }
        ledger.PoolDeleted = true;
        if (!ledger.CreatedContainer(ApplicationContainer)) return;

        var usage = Run(ct => pools.GetStartTaskContainerUsageAsync(ct));
        if (usage.TryGetValue(ApplicationContainer, out var users))
            WriteVerbose($"Keeping container '{ApplicationContainer}': the start task of pool(s) '{string.Join("', '", users)}' downloads from it.");
        else if (Attempt(ct => storage.DeleteContainerAsync(ApplicationContainer, ct)) is { } error)
            WriteWarning($"Container '{ApplicationContainer}' was kept: {error.Message}");
        else
            ledger.RecordContainerRemoved(ApplicationContainer);
    }

    /// <summary>
    /// A step whose failure is reported and the run goes on (cleanup, a download): the error, or null. Ctrl+C still
    /// stops the run.
    /// </summary>
    private BwException? Attempt(Action step)
    {
        try { step(); return null; }
        catch (BwException e) when (!StopRequested) { return e; }
    }

    private BwException? Attempt(Func<CancellationToken, Task> call) => Attempt(() => Run(call));

    /// <summary>
    /// Ctrl+C (or a terminating error) after the tasks were added: the tutorial made this job, so it ends it
    /// (running tasks are killed, queued ones never start) rather than leave task processes running unwatched.
    /// The job record and its logs stay for Get-BwTask/Get-BwTaskLog; Remove-BwJob deletes it.
    /// </summary>
    private bool TerminateCreatedJob()
    {
        if (_context is null || _ledger is not { JobCreated: true } ledger) return false;
        // Not the pipeline's token, which Ctrl+C has cancelled: a bounded wait of its own.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            new JobOperations(_context).TerminateJobAsync(ledger.JobId, "TutorialStopped", timeout.Token).GetAwaiter().GetResult();
            ledger.JobEnded = true;
            return true;
        }
        catch (Exception e) when (e is BwException or OperationCanceledException) { return false; /* best effort: the tutorial is already failing */ }
    }

    /// <summary>
    /// Names what the run made that still exists, with the command that removes each. After Ctrl+C the pipeline is
    /// stopping and refuses WriteWarning, so the line goes to the host's warning output (the user is at the console).
    /// </summary>
    private void ReportLeftovers(bool jobTerminated)
    {
        var leftovers = _ledger?.Leftovers() ?? Array.Empty<string>();
        var jobLine = jobTerminated ? $" Job '{_ledger!.JobId}' was terminated so that its unfinished tasks stop running." : "";
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
                throw new BwException(BwErrorKind.InvalidArgument, "NoSampleTexts", $"No -Path was given and the module has no sample texts in '{samples}'.", samples, "Pass -Path with the text files to count.");
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
            throw new BwException(BwErrorKind.InvalidArgument, "NoInputs", "None of the given paths names a file.", Path, "Pass -Path with existing text files.");
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

    private static void Fail(string message)
        => throw new BwException(BwErrorKind.InvalidOperation, "TutorialStopped", message, null, "Fix the error above and run Invoke-BwTutorial again.");
}
