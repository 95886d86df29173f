using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace BatchWords.PowerShell;

/// <summary>
/// The Azure Batch Python tutorial in one call, composed from the same cmdlets a user pipes together
/// (New-BwContainer, Publish-BwInput, New-BwPool, Start-BwJob, Wait-BwTask, Receive-BwOutput,
/// Remove-BwContainer, Remove-BwJob, Remove-BwPool), printing the original's milestones. Job and pool
/// deletion go through ShouldProcess (-Confirm) instead of the original's yes/no prompts.
/// </summary>
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

    // The step running now, so Ctrl+C stops it too; and the job once its tasks exist, so Ctrl+C ends them.
    private volatile System.Management.Automation.PowerShell? _step;
    // Two fields, not a (BwContext, string)? tuple: a value-type field built from a Core type makes PowerShell
    // load Core while it scans this assembly's types, before the load-context hook is in place.
    private BwContext? _startedJobContext;
    private string? _startedJobId;
    // What this run created, so it deletes only that and names what is left when it ends early.
    private TutorialRunLedger? _ledger;
    // Between Start-BwJob adding the tasks and Wait-BwTask seeing them all complete: tasks may be running.
    private bool _tasksMayRun;
    private volatile bool _stopRequested;

    protected override void StopProcessing()
    {
        _stopRequested = true;
        base.StopProcessing();
        _step?.Stop();
    }

    protected override void EndProcessing()
    {
        try { RunTutorial(); }
        // A terminating error of a step (ThrowTerminatingError) unwinds as PipelineStoppedException too, so
        // Ctrl+C and failures meet here. The job is ended only when tasks of this run may be running: on Ctrl+C,
        // or when a step failed after Start-BwJob added them (the wait timed out...), and only if this run created
        // it (a job that existed before is someone's, or an earlier run's). Then what is left is named.
        catch (RuntimeException)
        {
            ReportLeftovers((_stopRequested || _tasksMayRun) && TerminateStartedJob());
            throw;
        }
        // A Core call of the tutorial's own (does the job exist, which jobs use the pool) that failed.
        catch (BwException e)
        {
            ReportLeftovers((_stopRequested || _tasksMayRun) && TerminateStartedJob());
            if (_stopRequested) throw new PipelineStoppedException();
            ThrowTerminatingError(e);
        }
    }

    /// <summary>
    /// Ctrl+C (or a terminating error) after the tasks were added: the tutorial made this job, so it ends it
    /// (running tasks are killed, queued ones never start) rather than leave task processes running unwatched.
    /// The job record and its logs stay for Get-BwTask/Get-BwTaskLog; Remove-BwJob deletes it.
    /// </summary>
    private bool TerminateStartedJob()
    {
        if (_startedJobContext is null || _startedJobId is null || _ledger is not { JobCreated: true }) return false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            new JobOperations(_startedJobContext).TerminateJobAsync(_startedJobId, "TutorialStopped", timeout.Token).GetAwaiter().GetResult();
            _ledger.JobEnded = true;
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
        var how = _stopRequested ? "was stopped" : "failed";
        var jobLine = jobTerminated ? $" Job '{_startedJobId}' was terminated so that its unfinished tasks stop running." : "";
        if (leftovers.Count == 0 && jobLine.Length == 0) return;
        var message = $"Invoke-BwTutorial {how} before it finished.{jobLine}" +
            (leftovers.Count == 0 ? "" : " Left behind: " + string.Join("; ", leftovers) + ".");
        if (!_stopRequested)
        {
            try { WriteWarning(message); return; }
            catch (PipelineStoppedException) { /* stopping after all: to the host below */ }
        }
        try { Host?.UI?.WriteWarningLine(message); }
        catch (Exception e) when (e is not OutOfMemoryException) { /* a host without a UI: nothing more can be said */ }
    }

    private void ThrowIfStopped()
    {
        if (_stopRequested) throw new PipelineStoppedException();
    }

    private void RunTutorial()
    {
        var files = ResolveInputs();
        if (files is null) return;
        var jobId = JobId ?? TutorialRunNames.NewJobId();
        // Validated before ShouldProcess: the containers' names come from the job id.
        string inputContainer, outputContainer;
        try { (inputContainer, outputContainer) = (TutorialRunNames.InputContainerFor(jobId), TutorialRunNames.OutputContainerFor(jobId)); }
        catch (BwException e) { ThrowTerminatingError(e); return; }
        const string applicationContainer = "application";
        var destination = GetUnresolvedProviderPathFromPSPath(Destination ?? "batchwords-output");
        if (!ShouldProcess($"{files.Count} file(s) on pool '{PoolId}', job '{jobId}', containers '{inputContainer}' and '{outputContainer}'", "Run the Batch top-N words tutorial")) return;

        var started = DateTime.Now;
        var clock = Stopwatch.StartNew();
        var context = ResolveContext();
        var ledger = _ledger = new TutorialRunLedger(jobId, PoolId);
        // A job id taken by a job on another pool (or no longer active) is refused before anything is created.
        Run(ct => new JobOperations(context).EnsureUsableIfExistsAsync(jobId, PoolId, ct));
        Say($"Sample start: {started:yyyy-MM-dd HH:mm:ss}");
        Say("");

        // The run's own input and output containers (named after the job), and the shared application container
        // New-BwPool puts the worker in. Each is reported Created or Existing: only the run's own are deleted.
        foreach (var container in Step("New-BwContainer", new Hashtable { ["Name"] = new[] { applicationContainer, inputContainer, outputContainer }, ["Context"] = context }))
            if (container.BaseObject is BwContainer c) ledger.RecordContainer(c.Name, Enum.Parse<ContainerStatus>(c.Status));
        ThrowIfStopped();
        if (!ledger.CreatedContainer(outputContainer)) RefuseToOverwriteOutputs(context, outputContainer, files);

        foreach (var file in files) Say($"Uploading file {file} to container [{inputContainer}]...");
        // No -Force: a blob of the same name with other content (in a container that existed before) is the
        // owner's, and its upload fails instead of replacing it.
        var inputs = Step("Publish-BwInput", new Hashtable { ["Container"] = inputContainer, ["LiteralPath"] = files.ToArray(), ["Context"] = context });
        foreach (var input in inputs.Select(i => i.BaseObject).OfType<BwInputFile>().Where(i => i.Status == nameof(InputFileStatus.Uploaded)))
            ledger.RecordBlobWritten(input.Container, input.BlobName);
        ThrowIfStopped();
        if (inputs.Count == 0) { Fail("None of the input files was uploaded; see the errors above."); return; }

        // The job is created before the pool is created or reused: another run that shares the pool and finishes
        // meanwhile then sees this job on it and keeps the pool (Batch accepts a job for a pool not created yet).
        ledger.JobCreated = Run(ct => new JobOperations(context).CreateJobIfAbsentAsync(jobId, PoolId, ct));
        (_startedJobContext, _startedJobId) = (context, jobId);
        ThrowIfStopped();

        // The original uploaded its task program first; here New-BwPool uploads the worker it installs.
        if (TryLocateWorker() is { } worker) Say($"Uploading file {worker} to container [{applicationContainer}]...");
        Say($"Creating pool [{PoolId}]...");
        // -NodeCount only when given: New-BwPool warns when a reused pool has another node count than asked for,
        // which a run with the defaults did not ask for (both default to 1 node for a new pool).
        var poolParameters = new Hashtable { ["Id"] = PoolId, ["ApplicationContainer"] = applicationContainer, ["Context"] = context };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(NodeCount))) poolParameters["NodeCount"] = NodeCount;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(SpotNodeCount))) poolParameters["SpotNodeCount"] = SpotNodeCount;
        var pool = Step("New-BwPool", poolParameters);
        ledger.PoolCreated = pool.Select(p => p.BaseObject).OfType<BwPool>().Any(p => p.Provisioning == nameof(PoolProvisioning.Created));
        ThrowIfStopped();
        if (pool.Count == 0) { Fail("The pool could not be created or reused; see the error above."); return; }

        Say($"Creating job [{jobId}]...");
        Say($"Adding {inputs.Count} tasks to job [{jobId}]...");
        var tasks = Step("Start-BwJob", new Hashtable { ["JobId"] = jobId, ["Pool"] = PoolId, ["InputFile"] = inputs.Select(i => i.BaseObject).ToArray(), ["Top"] = Top, ["OutputContainer"] = outputContainer, ["Context"] = context });
        _tasksMayRun = tasks.Count > 0;
        ThrowIfStopped();

        Say($"Monitoring all tasks for 'Completed' state, timeout in {Timeout}...");
        // Wait-BwTask's timeout is a non-terminating error (so a pipeline still downloads what finished); here it
        // ends the tutorial, with the job terminated and the leftovers named.
        var finished = tasks.Count == 0 ? new List<PSObject>() : Step("Wait-BwTask", new Hashtable { ["JobId"] = jobId, ["TaskId"] = tasks.Select(t => ((BwTask)t.BaseObject).TaskId).ToArray(), ["Timeout"] = Timeout, ["Context"] = context },
            terminatesOn: e => e.FullyQualifiedErrorId.StartsWith("WaitTimedOut,", StringComparison.Ordinal)).ToList();
        ThrowIfStopped();
        _tasksMayRun = false;
        var final = finished.Select(t => (BwTask)t.BaseObject).ToList();
        // Wait-BwTask reads the tasks back from the service, which knows the input's blob name, not the local
        // file it was uploaded from: that comes from the tasks Start-BwJob made.
        var inputPaths = tasks.Select(t => (BwTask)t.BaseObject).Where(t => t.InputPath is not null)
            .ToDictionary(t => t.TaskId, t => t.InputPath!, StringComparer.OrdinalIgnoreCase);
        var failedCount = final.Count(t => !t.Succeeded);
        if (final.Count == tasks.Count && tasks.Count > 0)
            Say(failedCount == 0
                ? "  Success! All tasks reached the 'Completed' state within the specified timeout period."
                : $"  All tasks reached the 'Completed' state within the specified timeout period; {failedCount} of them failed (see the errors).");
        if (RequeueSummary.Describe(final) is { } requeued) Say("  " + requeued);

        var downloaded = new Dictionary<string, string>(StringComparer.Ordinal);
        var succeededBlobs = final.Where(t => t.Succeeded && t.OutputBlobName is not null).Select(t => t.OutputBlobName!).ToArray();
        // The run's tasks wrote these (output files upload on success only).
        foreach (var blob in succeededBlobs) ledger.RecordBlobWritten(outputContainer, blob);
        if (succeededBlobs.Length > 0)
        {
            foreach (var file in Step("Receive-BwOutput", new Hashtable { ["Container"] = outputContainer, ["BlobName"] = succeededBlobs, ["Destination"] = destination, ["Force"] = true, ["Context"] = context }))
            {
                var info = (FileInfo)file.BaseObject;
                downloaded[info.Name] = info.FullName;
                Say($"  Downloaded blob {info.Name} from container [{outputContainer}] to {info.FullName}");
            }
            ThrowIfStopped();
            Say("  Download complete!");
        }

        // Every task has finished with its input and output, so those go now: the run's own containers whole, and
        // from containers that existed before only the blobs this run wrote. The application container holds the
        // worker the pool's start task installs: it can go only with the pool, because nodes that join or reboot
        // later download it (deleting it under a live pool broke the original; azure-batch-samples#165).
        Say("Deleting containers...");
        foreach (var container in new[] { inputContainer, outputContainer })
        {
            RemoveWhatTheRunWrote(context, ledger, container);
            ThrowIfStopped();
        }

        Say("");
        Say($"Sample end: {DateTime.Now:yyyy-MM-dd HH:mm:ss}");
        Say($"Elapsed time: {clock.Elapsed:hh\\:mm\\:ss\\.fff}");
        Say("");

        // The original's "Delete job?" and "Delete pool?" prompts, as ShouldProcess (-Confirm, -WhatIf). Only what
        // this run created is deleted.
        if (!KeepJob && ledger.JobCreated && ShouldProcess($"job '{jobId}'", "Delete Batch job"))
        {
            Step("Remove-BwJob", new Hashtable { ["Id"] = new[] { jobId }, ["Force"] = true, ["Context"] = context });
            ledger.JobDeleted = true;
            ThrowIfStopped();
        }
        if (!KeepPool) RemovePoolIfOurs(context, ledger, applicationContainer);

        foreach (var task in final)
        {
            var outputPath = task.OutputBlobName is not null && downloaded.TryGetValue(task.OutputBlobName, out var p) ? p : null;
            IReadOnlyList<WordCount> words = Array.Empty<WordCount>();
            if (outputPath is not null)
            {
                try { words = TopWordsFile.Parse(outputPath); }
                catch (BwException e) { WriteError(e); }
            }
            WriteObject(new BwTutorialResult
            {
                TaskId = task.TaskId,
                Input = inputPaths.GetValueOrDefault(task.TaskId) ?? task.InputPath ?? task.InputBlobName ?? "",
                Succeeded = task.Succeeded,
                ExitCode = task.ExitCode,
                RequeueCount = task.RequeueCount,
                TopWords = words,
                OutputPath = outputPath,
            });
        }
    }

    /// <summary>
    /// In an output container that existed before the run (a -JobId whose container name is taken), a task would
    /// overwrite a blob of the same name and the cleanup would then delete it: refuse before anything runs.
    /// </summary>
    private void RefuseToOverwriteOutputs(BwContext context, string outputContainer, IReadOnlyList<string> files)
    {
        var outputs = files.Select(f => TaskCommandLine.OutputNameFor(System.IO.Path.GetFileName(f))).ToList();
        var taken = Run(ct => new BwStorageClient(context).GetExistingBlobNamesAsync(outputContainer, outputs, ct));
        if (taken.Count > 0)
            ThrowTerminatingError(ToErrorRecord(new BwException(BwErrorKind.ResourceExists, "OutputBlobExists",
                $"Container '{outputContainer}' existed before this run and already holds {string.Join(", ", taken.Select(t => $"'{t}'"))}, which this run's tasks would overwrite; nothing was run.",
                outputContainer, "Pass another -JobId (the run's containers are named after it), or move those blobs away.")));
    }

    /// <summary>The run's own container is deleted; from one that existed before, only the blobs the run wrote.</summary>
    private void RemoveWhatTheRunWrote(BwContext context, TutorialRunLedger ledger, string container)
    {
        if (ledger.CreatedContainer(container))
        {
            // -Confirm:$false, not -Force: -Force would also remove a container some pool's start task uses.
            var removed = Step("Remove-BwContainer", new Hashtable { ["Name"] = new[] { container }, ["Confirm"] = false, ["PassThru"] = true, ["Context"] = context });
            if (removed.Count > 0) ledger.RecordContainerRemoved(container);
            return;
        }
        var blobs = ledger.BlobsWrittenInto(container);
        if (blobs.Count == 0) return;
        Say($"  Container [{container}] existed before this run: deleting only the {blobs.Count} blob(s) this run wrote in it.");
        try { ledger.RecordBlobsDeleted(container, Run(ct => new BwStorageClient(context).DeleteBlobsAsync(container, blobs, ct))); }
        catch (BwException e) { WriteError(e); }
    }

    /// <summary>
    /// The pool goes only if this run created it and no other job is live on it (two runs share the default
    /// pool: the first to finish must not delete it under the other). The application container goes with it
    /// only if this run created the container and no other live pool's start task downloads from it.
    /// </summary>
    private void RemovePoolIfOurs(BwContext context, TutorialRunLedger ledger, string applicationContainer)
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
        Step("Remove-BwPool", new Hashtable { ["Id"] = new[] { PoolId }, ["Force"] = true, ["Context"] = context });
        ledger.PoolDeleted = true;
        ThrowIfStopped();
        if (!ledger.CreatedContainer(applicationContainer)) return;

        var usage = Run(ct => new PoolOperations(context).GetStartTaskContainerUsageAsync(ct));
        if (usage.TryGetValue(applicationContainer, out var pools))
        {
            WriteVerbose($"Keeping container '{applicationContainer}': the start task of pool(s) '{string.Join("', '", pools)}' downloads from it.");
            return;
        }
        // No -Force: should a pool start using it meanwhile, Remove-BwContainer refuses, and that is reported as
        // what happened (a warning), not as a failure of the run.
        var errors = new List<ErrorRecord>();
        var removed = Step("Remove-BwContainer", new Hashtable { ["Name"] = new[] { applicationContainer }, ["Confirm"] = false, ["PassThru"] = true, ["Context"] = context }, captureErrors: errors);
        if (removed.Count > 0) ledger.RecordContainerRemoved(applicationContainer);
        foreach (var error in errors) WriteWarning($"Container '{applicationContainer}' was kept: {error.Exception.Message}");
    }

    /// <summary>The worker New-BwPool uploads (for the milestone line), or null when it cannot be found (New-BwPool then says why).</summary>
    private static string? TryLocateWorker()
    {
        try { return WorkerPayload.Locate(); }
        catch (BwException) { return null; }
    }

    /// <summary>The input files: -Path (wildcards resolved by the provider), else the sample texts shipped with the module.</summary>
    private List<string>? ResolveInputs()
    {
        var result = new List<string>();
        if (Path is null)
        {
            var samples = System.IO.Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? "", "samples");
            if (Directory.Exists(samples)) result.AddRange(Directory.GetFiles(samples, "*.txt").OrderBy(f => f, StringComparer.Ordinal));
            if (result.Count == 0)
            {
                ThrowTerminatingError(InvalidArgument("NoSampleTexts", $"No -Path was given and the module has no sample texts in '{samples}'.", samples, "Pass -Path with the text files to count."));
                return null;
            }
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
        {
            ThrowTerminatingError(InvalidArgument("NoInputs", "None of the given paths names a file.", Path, "Pass -Path with existing text files."));
            return null;
        }
        return result;
    }

    /// <summary>
    /// Runs one cmdlet of the module in this runspace, forwarding its streams as they arrive. Errors matching
    /// <paramref name="terminatesOn"/> end the tutorial (after the step) instead of being forwarded; with
    /// <paramref name="captureErrors"/> the step's errors are collected there instead of written. A step that
    /// Ctrl+C stopped ends the tutorial too: its partial results are never used.
    /// </summary>
    private List<PSObject> Step(string command, Hashtable parameters, Func<ErrorRecord, bool>? terminatesOn = null, List<ErrorRecord>? captureErrors = null)
    {
        ThrowIfStopped();
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        _step = ps;
        ps.AddCommand(command).AddParameters(parameters);
        if (MyInvocation.BoundParameters.ContainsKey("Verbose")) ps.AddParameter("Verbose", true);
        // A step's non-terminating errors are forwarded below and then obey this cmdlet's own -ErrorAction. Without
        // this, the step would follow the session's $ErrorActionPreference: with 'Stop' (runbooks, Pester) the
        // first failed task became terminating even under Invoke-BwTutorial -ErrorAction SilentlyContinue.
        ps.AddParameter("ErrorAction", ActionPreference.Continue);
        // A nested pipeline writes its verbose, warning, debug and information records straight to the host,
        // past this cmdlet's own preferences and redirections (-WarningAction, 4>&1 and 3>$null had no effect).
        // Merged into its output, they arrive here and are re-written through this cmdlet, as its own.
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.All, PipelineResultTypes.Output);
        var results = new List<PSObject>();
        ErrorRecord? terminating = null;
        void OnError(ErrorRecord error)
        {
            if (terminatesOn is not null && terminatesOn(error)) terminating ??= error;
            else if (captureErrors is not null) captureErrors.Add(error);
            else WriteError(error);
        }
        var output = new PSDataCollection<PSObject>();
        // The nested pipeline runs synchronously on this thread, so these handlers may call Write*.
        output.DataAdded += (_, e) =>
        {
            var item = output[e.Index];
            switch (item?.BaseObject)
            {
                case null: break;
                case ErrorRecord error: OnError(error); break;
                case WarningRecord warning: WriteWarning(warning.Message); break;
                case VerboseRecord verbose: WriteVerbose(verbose.Message); break;
                case DebugRecord debug: WriteDebug(debug.Message); break;
                case InformationRecord information: WriteInformation(information); break;
                default: results.Add(item); break;
            }
        };
        ps.Streams.Error.DataAdded += (_, e) => OnError(ps.Streams.Error[e.Index]);
        ps.Streams.Progress.DataAdded += (_, e) => WriteProgress(ps.Streams.Progress[e.Index]);
        try
        {
            ThrowIfStopped();
            ps.Invoke(null, output);
        }
        // Ctrl+C reaches the nested pipeline first: it may unwind here before this cmdlet's StopProcessing ran.
        catch (PipelineStoppedException)
        {
            _stopRequested = true;
            throw;
        }
        catch (RuntimeException e) when (!_stopRequested)
        {
            // A step's terminating error (a missing pool, a start task that failed) ends the tutorial with that error.
            ThrowTerminatingError(e.ErrorRecord);
            throw;
        }
        finally { _step = null; }
        // Ctrl+C stopped the step: what it returned is partial (263 of 10,000 uploads), and no later step may run.
        if (ps.InvocationStateInfo.State == PSInvocationState.Stopped) _stopRequested = true;
        ThrowIfStopped();
        if (terminating is not null) ThrowTerminatingError(terminating);
        return results;
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

    private void Fail(string message)
        => ThrowTerminatingError(ToErrorRecord(new BwException(BwErrorKind.InvalidOperation, "TutorialStopped", message, null, "Fix the error above and run Invoke-BwTutorial again.")));
}
