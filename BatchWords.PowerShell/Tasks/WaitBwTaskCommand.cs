using System.Diagnostics;
using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Waits until tasks complete, with progress, and emits each task in its final state as it finishes.
/// "completed" is not success: a failed task also produces a non-terminating error with its exit code and
/// the end of its stderr. At the timeout the cmdlet writes an error naming the unfinished tasks (WaitTimedOut),
/// after the tasks that completed, and ends normally so 'Wait-BwTask | Receive-BwOutput' still downloads those.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "BwTask",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwTask))]
public sealed class WaitBwTaskCommand : BwCmdlet
{
    // Job id -> awaited task ids, in the order jobs were named; jobs in _wholeJobs are awaited entirely.
    private readonly Dictionary<string, HashSet<string>> _awaited = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _wholeJobs = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _jobOrder = new();

    /// <summary>The job. BwTask and BwJob objects bind it by property name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string JobId { get; set; } = "";

    /// <summary>
    /// The tasks to wait for; none means every task of the job. One parameter set, not two: with a
    /// "by job" and a "by task" set, -JobId alone was ambiguous and PowerShell prompted for -TaskId.
    /// </summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    [PSDefaultValue(Help = "Every task of the job")]
    public string[]? TaskId { get; set; }

    [Parameter]
    [PSDefaultValue(Help = "20 minutes (00:20:00)")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    protected override void ProcessRecordCore()
    {
        if (!_awaited.TryGetValue(JobId, out var ids))
        {
            _awaited[JobId] = ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            _jobOrder.Add(JobId);
        }
        var named = TaskId?.Where(id => !string.IsNullOrEmpty(id)).ToArray() ?? Array.Empty<string>();
        if (named.Length == 0) _wholeJobs.Add(JobId);
        else ids.UnionWith(named);
    }

    // A timeout is not terminating: the tasks that did complete were emitted, and the cmdlets after this one
    // (Receive-BwOutput downloads in its EndProcessing) must still get to run on them. With -ErrorAction Stop it
    // stops the pipeline like any error. Later jobs still get one poll each, so their completed tasks are emitted
    // too (and each unfinished job is named in an error of its own). Any other failure stops the cmdlet.
    protected override bool IsTerminating(BwException error) => error.ErrorId != BwErrorIds.WaitTimedOut;

    protected override void EndProcessingCore()
    {
        if (Timeout <= TimeSpan.Zero)
            throw new BwException(BwErrorKind.InvalidArgument, BwErrorIds.InvalidTimeout, $"A timeout of {Timeout} is not allowed.", Timeout, "Pass a positive -Timeout such as 00:20:00.");
        var context = ResolveContext();
        var clock = Stopwatch.StartNew();
        var activityId = 1;
        ForEachTarget(_jobOrder, jobId =>
        {
            // The first job gets -Timeout as given (its timeout error names it); later ones what is left of it.
            var remaining = activityId == 1 ? Timeout : TimeSpan.FromMilliseconds(Math.Ceiling((Timeout - clock.Elapsed).TotalMilliseconds));
            var request = new WaitRequest
            {
                JobId = jobId,
                TaskIds = _wholeJobs.Contains(jobId) ? null : _awaited[jobId],
                Timeout = remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1),
                Log = VerboseLog,
            };
            var activity = WaitProgressText.Activity(jobId);
            try
            {
                foreach (var e in Stream(new TaskWaiter(context).WaitAsync(request, StopToken)))
                {
                    switch (e)
                    {
                        case WaitProgress p:
                            WriteProgress(new ProgressRecord(activityId, activity, WaitProgressText.Status(p, clock.Elapsed, Timeout))
                            {
                                PercentComplete = p.Total == 0 ? 100 : p.Completed * 100 / p.Total,
                                SecondsRemaining = (int)Math.Max(0, (Timeout - clock.Elapsed).TotalSeconds),
                            });
                            break;
                        case TaskFinished f:
                            _finished.Add(f.Task);
                            if (!f.Task.Succeeded) WriteError(TaskFailure(f));
                            WriteObject(f.Task);
                            break;
                    }
                }
            }
            finally
            {
                WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
            activityId++;
        });
        ReportRequeues();
    }

    // Requeues (node preempted or removed) are not failures; they are counted and reported once at the end.
    private readonly List<BwTask> _finished = new();

    private void ReportRequeues()
    {
        if (RequeueSummary.Describe(_finished) is { } line)
        {
            WriteVerbose(line);
            WriteInformation(line, new[] { "BatchWordsRequeue" });
        }
    }

    private static ErrorRecord TaskFailure(TaskFinished finished)
    {
        var task = finished.Task;
        var how = task.ExitCode is { } code ? $"exit code {code}" : "no exit code";
        var message = $"Task '{task.TaskId}' of job '{task.JobId}' failed ({how}{(task.FailureCode is null ? "" : $", {task.FailureCode}")})"
            + (task.FailureMessage is null ? "." : $": {task.FailureMessage}")
            + (finished.StderrTail is null ? "" : $"\nstderr:\n{finished.StderrTail}");
        return ToErrorRecord(new BwException(BwErrorKind.TaskFailed, BwErrorIds.TaskFailed, message, task,
            $"Read the whole log with Get-BwTaskLog -JobId {task.JobId} -TaskId {task.TaskId} -Stream Stderr."));
    }
}
