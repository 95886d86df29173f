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
[Cmdlet(VerbsLifecycle.Invoke, "BwTutorial", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BwTutorialResult))]
public sealed class InvokeBwTutorialCommand : BwCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter]
    [ValidateRange(0, 100000)]
    public int Top { get; set; } = 3;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PoolId { get; set; } = "BatchWordsTutorialPool";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JobId { get; set; }

    [Parameter]
    [ValidateRange(1, 1000)]
    public int NodeCount { get; set; } = 1;

    [Parameter]
    [ValidateNotNullOrEmpty]
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
        // or when a step failed after Start-BwJob added them (the wait timed out...). Not when Start-BwJob itself
        // failed: then the job may be someone else's (JobOnAnotherPool) and this run added nothing to it.
        catch (PipelineStoppedException) when (_stopRequested || _tasksMayRun)
        {
            if (TerminateStartedJob() && !_stopRequested)
                WriteWarning($"Job '{_startedJobId}' was terminated so that its unfinished tasks stop running; its tasks and their logs stay until Remove-BwJob -Id {_startedJobId}.");
            throw;
        }
    }

    /// <summary>
    /// Ctrl+C (or a terminating error) after the tasks were added: the tutorial made this job, so it ends it
    /// (running tasks are killed, queued ones never start) rather than leave task processes running unwatched.
    /// The job record and its logs stay for Get-BwTask/Get-BwTaskLog; Remove-BwJob deletes it.
    /// </summary>
    private bool TerminateStartedJob()
    {
        if (_startedJobContext is null || _startedJobId is null) return false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            new JobOperations(_startedJobContext).TerminateJobAsync(_startedJobId, "TutorialStopped", timeout.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is BwException or OperationCanceledException) { return false; /* best effort: the tutorial is already failing */ }
    }

    private void RunTutorial()
    {
        var files = ResolveInputs();
        if (files is null) return;
        var jobId = JobId ?? $"BatchWordsTutorialJob-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        var destination = GetUnresolvedProviderPathFromPSPath(Destination ?? "batchwords-output");
        if (!ShouldProcess($"{files.Count} file(s) on pool '{PoolId}', job '{jobId}'", "Run the Batch top-N words tutorial")) return;

        var started = DateTime.Now;
        var clock = Stopwatch.StartNew();
        var context = ResolveContext();
        Say($"Sample start: {started:yyyy-MM-dd HH:mm:ss}");
        Say("");

        Step("New-BwContainer", new Hashtable { ["Name"] = new[] { "application", "input", "output" }, ["Context"] = context });

        foreach (var file in files) Say($"Uploading file {file} to container [input]...");
        var inputs = Step("Publish-BwInput", new Hashtable { ["Container"] = "input", ["LiteralPath"] = files.ToArray(), ["Force"] = true, ["Context"] = context });

        // The original uploaded its task program first; here New-BwPool uploads the worker it installs.
        if (TryLocateWorker() is { } worker) Say($"Uploading file {worker} to container [application]...");
        Say($"Creating pool [{PoolId}]...");
        // -NodeCount only when given: New-BwPool warns when a reused pool has another node count than asked for,
        // which a run with the defaults did not ask for (both default to 1 node for a new pool).
        var poolParameters = new Hashtable { ["Id"] = PoolId, ["Context"] = context };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(NodeCount))) poolParameters["NodeCount"] = NodeCount;
        var pool = Step("New-BwPool", poolParameters);
        if (pool.Count == 0) { Fail("The pool could not be created or reused; see the error above."); return; }

        Say($"Creating job [{jobId}]...");
        Say($"Adding {inputs.Count} tasks to job [{jobId}]...");
        (_startedJobContext, _startedJobId) = (context, jobId);
        var tasks = Step("Start-BwJob", new Hashtable { ["JobId"] = jobId, ["Pool"] = PoolId, ["InputFile"] = inputs.Select(i => i.BaseObject).ToArray(), ["Top"] = Top, ["Context"] = context });
        _tasksMayRun = tasks.Count > 0;

        Say($"Monitoring all tasks for 'Completed' state, timeout in {Timeout}...");
        var finished = tasks.Count == 0 ? new List<PSObject>() : Step("Wait-BwTask", new Hashtable { ["JobId"] = jobId, ["TaskId"] = tasks.Select(t => ((BwTask)t.BaseObject).TaskId).ToArray(), ["Timeout"] = Timeout, ["Context"] = context }).ToList();
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

        var downloaded = new Dictionary<string, string>(StringComparer.Ordinal);
        var succeededBlobs = final.Where(t => t.Succeeded && t.OutputBlobName is not null).Select(t => t.OutputBlobName!).ToArray();
        if (succeededBlobs.Length > 0)
        {
            foreach (var file in Step("Receive-BwOutput", new Hashtable { ["Container"] = "output", ["BlobName"] = succeededBlobs, ["Destination"] = destination, ["Force"] = true, ["Context"] = context }))
            {
                var info = (FileInfo)file.BaseObject;
                downloaded[info.Name] = info.FullName;
                Say($"  Downloaded blob {info.Name} from container [output] to {info.FullName}");
            }
            Say("  Download complete!");
        }

        // Every task has finished with its input and output, so those two containers go now. The application
        // container holds the worker the pool's start task installs: it goes only with the pool, because
        // nodes that join or reboot later download it (deleting it under a live pool broke the original;
        // azure-batch-samples#165).
        Say("Deleting containers...");
        Step("Remove-BwContainer", new Hashtable { ["Name"] = new[] { "input", "output" }, ["Force"] = true, ["Context"] = context });

        Say("");
        Say($"Sample end: {DateTime.Now:yyyy-MM-dd HH:mm:ss}");
        Say($"Elapsed time: {clock.Elapsed:hh\\:mm\\:ss\\.fff}");
        Say("");

        // The original's "Delete job?" and "Delete pool?" prompts, as ShouldProcess (-Confirm, -WhatIf).
        if (!KeepJob && ShouldProcess($"job '{jobId}'", "Delete Batch job"))
            Step("Remove-BwJob", new Hashtable { ["Id"] = new[] { jobId }, ["Force"] = true, ["Context"] = context });
        if (!KeepPool && ShouldProcess($"pool '{PoolId}' and its application container", "Delete Batch pool"))
        {
            Step("Remove-BwPool", new Hashtable { ["Id"] = new[] { PoolId }, ["Force"] = true, ["Context"] = context });
            Step("Remove-BwContainer", new Hashtable { ["Name"] = new[] { "application" }, ["Force"] = true, ["Context"] = context });
        }

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
                TopWords = words,
                OutputPath = outputPath,
            });
        }
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
                WriteError(InvalidArgument("InputNotFound", $"Cannot find '{path}'.", path, "Check the path; wildcards such as ./data/*.txt are allowed."));
            }
        }
        if (result.Count == 0)
        {
            ThrowTerminatingError(InvalidArgument("NoInputs", "None of the given paths names a file.", Path, "Pass -Path with existing text files."));
            return null;
        }
        return result;
    }

    /// <summary>Runs one cmdlet of the module in this runspace, forwarding its streams as they arrive.</summary>
    private List<PSObject> Step(string command, Hashtable parameters)
    {
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
        var output = new PSDataCollection<PSObject>();
        // The nested pipeline runs synchronously on this thread, so these handlers may call Write*.
        output.DataAdded += (_, e) =>
        {
            var item = output[e.Index];
            switch (item?.BaseObject)
            {
                case null: break;
                case ErrorRecord error: WriteError(error); break;
                case WarningRecord warning: WriteWarning(warning.Message); break;
                case VerboseRecord verbose: WriteVerbose(verbose.Message); break;
                case DebugRecord debug: WriteDebug(debug.Message); break;
                case InformationRecord information: WriteInformation(information); break;
                default: results.Add(item); break;
            }
        };
        ps.Streams.Error.DataAdded += (_, e) => WriteError(ps.Streams.Error[e.Index]);
        ps.Streams.Progress.DataAdded += (_, e) => WriteProgress(ps.Streams.Progress[e.Index]);
        try
        {
            ps.Invoke(null, output);
            return results;
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            // A step's terminating error (a timeout, a missing pool) ends the tutorial with that error.
            ThrowTerminatingError(e.ErrorRecord);
            throw;
        }
        finally { _step = null; }
    }

    /// <summary>A milestone line, shown by the host like Write-Host and kept in the information stream.</summary>
    private void Say(string text)
        => WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST", "BatchWordsTutorial" });

    private void Fail(string message)
        => ThrowTerminatingError(ToErrorRecord(new BwException(BwErrorKind.InvalidOperation, "TutorialStopped", message, null, "Fix the error above and run Invoke-BwTutorial again.")));
}
