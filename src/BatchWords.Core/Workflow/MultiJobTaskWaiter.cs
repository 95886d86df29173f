namespace BatchWords;

/// <summary>
/// Waits for the tasks of several jobs, one job after the other, under one shared timeout
/// (<see cref="WaitTimeoutBudget"/>). A job that times out does not end the wait: its WaitTimedOut comes in its
/// <see cref="JobWaitEnded"/> and the later jobs are still waited on (once the budget is spent, one poll each), so
/// every task that completed is reported and every unfinished job is named in an error of its own. Any other
/// failure (a missing job or task, a pool that cannot run tasks) ends the whole wait.
/// </summary>
public sealed class MultiJobTaskWaiter
{
    private readonly Func<JobToAwait, WaitRequest, CancellationToken, IAsyncEnumerable<WaitEvent>> _waitForJob;
    private readonly TimeProvider _time;

    /// <summary>
    /// Waits on each job in the account it names (<see cref="JobToAwait.Context"/>): piped objects carry their own
    /// context, so one Wait-BwTask can wait on same-named jobs of two accounts under one timeout.
    /// </summary>
    public MultiJobTaskWaiter()
    {
        _waitForJob = (job, single, ct) => new TaskWaiter(job.Context
            ?? throw new ArgumentException($"Job '{job.JobId}' names no context.", nameof(job))).WaitAsync(single, ct);
        _time = TimeProvider.System;
    }

    /// <summary>With a given single-job wait and clock (tests script both).</summary>
    internal MultiJobTaskWaiter(Func<WaitRequest, CancellationToken, IAsyncEnumerable<WaitEvent>> waitForJob, TimeProvider time)
    {
        _waitForJob = (_, single, ct) => waitForJob(single, ct);
        _time = time;
    }

    /// <summary>
    /// For each job in order: <see cref="JobWaitStarted"/>, then its <see cref="JobWaitProgress"/> and
    /// <see cref="TaskFinished"/> events as its waiter reports them, then <see cref="JobWaitEnded"/>. Throws
    /// InvalidTimeout before waiting on anything when the timeout is not positive, and any failure other than
    /// WaitTimedOut as it happens.
    /// </summary>
    public async IAsyncEnumerable<WaitEvent> WaitAsync(MultiJobWaitRequest request,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var budget = new WaitTimeoutBudget(request.Timeout, _time);
        var jobNumber = 0;
        foreach (var job in request.Jobs)
        {
            jobNumber++;
            yield return new JobWaitStarted { JobNumber = jobNumber, JobId = job.JobId };
            var single = new WaitRequest { JobId = job.JobId, TaskIds = job.TaskIds, Timeout = budget.TimeoutForJob(jobNumber), Log = request.Log };
            BwException? timedOut = null;
            var events = _waitForJob(job, single, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    // A yield cannot sit in a try with a catch: take the next event here, hand it out below.
                    WaitEvent next;
                    try
                    {
                        if (!await events.MoveNextAsync().ConfigureAwait(false)) break;
                        next = events.Current;
                    }
                    catch (BwException e) when (e.ErrorId == BwErrorIds.WaitTimedOut)
                    {
                        timedOut = e;
                        break;
                    }
                    if (next is WaitProgress counts)
                        yield return new JobWaitProgress { JobNumber = jobNumber, JobId = job.JobId, Counts = counts, Elapsed = budget.Elapsed, Timeout = budget.Timeout };
                    else yield return next;
                }
            }
            finally { await events.DisposeAsync().ConfigureAwait(false); }
            yield return new JobWaitEnded { JobNumber = jobNumber, JobId = job.JobId, TimedOut = timedOut };
        }
    }
}

/// <summary>What <see cref="MultiJobTaskWaiter"/> waits for.</summary>
public sealed class MultiJobWaitRequest
{
    /// <summary>The jobs, in the order they are waited on.</summary>
    public required IReadOnlyList<JobToAwait> Jobs { get; init; }

    /// <summary>For all the jobs together (the tutorial's 20 minutes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Receives one line per request made (for -Verbose).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>One job to wait on: some of its tasks, or (TaskIds null or empty) all of them.</summary>
public sealed record JobToAwait(string JobId, IReadOnlyCollection<string>? TaskIds = null)
{
    /// <summary>The account the job is in (required by the public waiter; scripted waiters in tests ignore it).</summary>
    public BwContext? Context { get; init; }
}

/// <summary>The wait on one job begins (its number counts from 1 in the order waited on).</summary>
public sealed class JobWaitStarted : WaitEvent
{
    public required int JobNumber { get; init; }
    public required string JobId { get; init; }
}

/// <summary>One job's counts after a poll, with the time of the whole wait (not of this job alone).</summary>
public sealed class JobWaitProgress : WaitEvent
{
    public required int JobNumber { get; init; }
    public required string JobId { get; init; }
    public required WaitProgress Counts { get; init; }
    public TimeSpan Elapsed { get; init; }
    public TimeSpan Timeout { get; init; }

    /// <summary>Whole seconds left of the whole wait, never negative (derived from Elapsed and Timeout).</summary>
    public int SecondsRemaining => WaitProgressText.SecondsLeft(Elapsed, Timeout);
}

/// <summary>The wait on one job is over: every awaited task completed, or (TimedOut) the budget ran out first.</summary>
public sealed class JobWaitEnded : WaitEvent
{
    public required int JobNumber { get; init; }
    public required string JobId { get; init; }

    /// <summary>The WaitTimedOut error naming this job's unfinished tasks, or null when all of them completed.</summary>
    public BwException? TimedOut { get; init; }
}
