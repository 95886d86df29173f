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
    // Job (in the context the piped object carries; null is the session's) -> awaited task ids, in the order jobs
    // were named; jobs in _wholeJobs are awaited entirely. Same-named jobs of two accounts are two jobs.
    private readonly Dictionary<AwaitedJob, HashSet<string>> _awaited = new(AwaitedJob.Comparer);
    private readonly HashSet<AwaitedJob> _wholeJobs = new(AwaitedJob.Comparer);
    private readonly List<AwaitedJob> _jobOrder = new();

    private readonly record struct AwaitedJob(BwContext? Context, string JobId)
    {
        public static readonly IEqualityComparer<AwaitedJob> Comparer = new JobComparer();

        private sealed class JobComparer : IEqualityComparer<AwaitedJob>
        {
            public bool Equals(AwaitedJob x, AwaitedJob y) => ReferenceEquals(x.Context, y.Context) && StringComparer.OrdinalIgnoreCase.Equals(x.JobId, y.JobId);
            public int GetHashCode(AwaitedJob job) => StringComparer.OrdinalIgnoreCase.GetHashCode(job.JobId);
        }
    }

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
        var job = new AwaitedJob(RecordContext, JobId);
        if (!_awaited.TryGetValue(job, out var ids))
        {
            _awaited[job] = ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            _jobOrder.Add(job);
        }
        var named = TaskId?.Where(id => !string.IsNullOrEmpty(id)).ToArray() ?? Array.Empty<string>();
        if (named.Length == 0) _wholeJobs.Add(job);
        else ids.UnionWith(named);
    }

    // A timeout is not terminating: the tasks that did complete were emitted, and the cmdlets after this one
    // (Receive-BwOutput downloads in its EndProcessing) must still get to run on them. With -ErrorAction Stop it
    // stops the pipeline like any error. Later jobs still get one poll each, so their completed tasks are emitted
    // too (and each unfinished job is named in an error of its own). Any other failure stops the cmdlet.
    protected override bool IsTerminating(BwException error) => error.ErrorId != BwErrorIds.WaitTimedOut;

    protected override void EndProcessingCore()
    {
        if (WaitTimeoutBudget.FindViolation(Timeout) is { } invalid) throw invalid;
        var request = new MultiJobWaitRequest
        {
            Jobs = _jobOrder.Select(job => new JobToAwait(job.JobId, _wholeJobs.Contains(job) ? null : _awaited[job]) { Context = ResolveContext(job.Context) }).ToList(),
            Timeout = Timeout,
            Log = VerboseLog,
        };
        // The job whose progress bar is open, so that a failure still closes it.
        JobWaitStarted? open = null;
        try
        {
            foreach (var e in Stream(new MultiJobTaskWaiter().WaitAsync(request, StopToken)))
            {
                switch (e)
                {
                    case JobWaitStarted started:
                        open = started;
                        break;
                    case JobWaitProgress p:
                        WriteProgress(WaitProgressRecords.Poll(p.JobNumber, p.JobId, p.Counts, p.Elapsed, p.Timeout));
                        break;
                    case TaskFinished f:
                        _finished.Add(f.Task);
                        if (!f.Task.Succeeded) WriteError(f.ToFailure());
                        WriteObject(f.Task);
                        break;
                    // A job's timeout comes as a result, not thrown: written non-terminating (see IsTerminating).
                    case JobWaitEnded ended:
                        if (ended.TimedOut is not null) WriteError(ended.TimedOut);
                        WriteProgress(WaitProgressRecords.Done(ended.JobNumber, ended.JobId));
                        open = null;
                        break;
                }
            }
        }
        finally
        {
            if (open is not null) WriteProgress(WaitProgressRecords.Done(open.JobNumber, open.JobId));
        }
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
}
