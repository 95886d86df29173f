using System.Runtime.CompilerServices;
using BatchWords.Core.Tests.Batch;
using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>
/// Wait-BwTask over several jobs: jobs in order under one timeout, a job's WaitTimedOut that does not end the wait
/// (later jobs still get their one poll), other failures that do, and what the progress events carry. The single-job
/// waits are scripted (each records the request it got and moves the clock); the last test uses the real TaskWaiter.
/// </summary>
public sealed class MultiJobTaskWaiterTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    /// <summary>What one scripted job wait does: take this long, report these tasks, then maybe fail.</summary>
    private sealed record ScriptedJob(TimeSpan Takes, string[] Finishes, BwException? ThenThrows = null);

    private static BwException TimedOut(string jobId) => new(BwErrorKind.OperationTimeout, "WaitTimedOut", $"1 task(s) of job '{jobId}' did not complete.", jobId);

    private static BwTask Task(string jobId, string taskId) => new() { JobId = jobId, TaskId = taskId, State = "completed", Result = "success", ExitCode = 0 };

    private sealed class Script
    {
        public ManualTimeProvider Clock { get; } = new();
        public Dictionary<string, ScriptedJob> Jobs { get; } = new();
        public List<WaitRequest> Requests { get; } = new();

        public MultiJobTaskWaiter Waiter() => new(WaitForJob, Clock);

        private async IAsyncEnumerable<WaitEvent> WaitForJob(WaitRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var job = Jobs[request.JobId];
            await System.Threading.Tasks.Task.Yield();
            foreach (var id in job.Finishes) yield return new TaskFinished { Task = Task(request.JobId, id) };
            Clock.Advance(job.Takes);
            yield return new WaitProgress { Total = job.Finishes.Length, Succeeded = job.Finishes.Length, Timeout = request.Timeout };
            if (job.ThenThrows is not null) throw job.ThenThrows;
        }
    }

    private static async Task<List<WaitEvent>> Collect(MultiJobTaskWaiter waiter, MultiJobWaitRequest request)
    {
        var events = new List<WaitEvent>();
        await foreach (var e in waiter.WaitAsync(request)) events.Add(e);
        return events;
    }

    private static MultiJobWaitRequest Request(params JobToAwait[] jobs) => new() { Jobs = jobs, Timeout = TenSeconds };

    private static string Describe(WaitEvent e) => e switch
    {
        JobWaitStarted s => $"start {s.JobNumber} {s.JobId}",
        JobWaitProgress p => $"progress {p.JobNumber} {p.JobId}",
        TaskFinished f => $"task {f.Task.JobId}/{f.Task.TaskId}",
        JobWaitEnded end => $"end {end.JobNumber} {end.JobId}{(end.TimedOut is null ? "" : " timed out")}",
        _ => e.GetType().Name,
    };

    [Fact]
    public async Task Jobs_are_waited_on_in_order_and_share_one_timeout()
    {
        var script = new Script();
        script.Jobs["a"] = new(TimeSpan.FromSeconds(3), new[] { "t0" });
        script.Jobs["b"] = new(TimeSpan.FromSeconds(4), new[] { "t1" });
        script.Jobs["c"] = new(TimeSpan.Zero, Array.Empty<string>());
        Action<string> log = _ => { };

        var events = await Collect(script.Waiter(), new MultiJobWaitRequest
        {
            Jobs = new[] { new JobToAwait("a"), new JobToAwait("b", new[] { "t1" }), new JobToAwait("c") }, Timeout = TenSeconds, Log = log,
        });

        Assert.Equal(new[] { "a", "b", "c" }, script.Requests.Select(r => r.JobId));
        Assert.Equal(new[] { TenSeconds, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3) }, script.Requests.Select(r => r.Timeout));
        Assert.Null(script.Requests[0].TaskIds);
        Assert.Equal(new[] { "t1" }, script.Requests[1].TaskIds);
        Assert.All(script.Requests, r => Assert.Same(log, r.Log));
        Assert.Equal(new[]
        {
            "start 1 a", "task a/t0", "progress 1 a", "end 1 a",
            "start 2 b", "task b/t1", "progress 2 b", "end 2 b",
            "start 3 c", "progress 3 c", "end 3 c",
        }, events.Select(Describe));
    }

    [Fact]
    public async Task A_job_that_times_out_is_reported_in_its_end_and_the_later_jobs_still_get_one_poll_each()
    {
        var script = new Script();
        var first = TimedOut("a");
        var second = TimedOut("b");
        script.Jobs["a"] = new(TimeSpan.FromSeconds(12), new[] { "t0" }, first);
        script.Jobs["b"] = new(TimeSpan.FromMilliseconds(1), new[] { "t5" }, second);
        script.Jobs["c"] = new(TimeSpan.Zero, new[] { "t9" });

        var events = await Collect(script.Waiter(), Request(new("a"), new("b"), new("c")));

        Assert.Equal(new[] { TenSeconds, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1) }, script.Requests.Select(r => r.Timeout));
        Assert.Equal(new[]
        {
            "start 1 a", "task a/t0", "progress 1 a", "end 1 a timed out",
            "start 2 b", "task b/t5", "progress 2 b", "end 2 b timed out",
            "start 3 c", "task c/t9", "progress 3 c", "end 3 c",
        }, events.Select(Describe));
        var ends = events.OfType<JobWaitEnded>().ToList();
        Assert.Same(first, ends[0].TimedOut);
        Assert.Same(second, ends[1].TimedOut);
        Assert.Null(ends[2].TimedOut);
    }

    [Theory]
    [InlineData("TaskNotFound", BwErrorKind.ObjectNotFound)]
    [InlineData("StartTaskFailed", BwErrorKind.TaskFailed)]
    [InlineData("BatchServerError", BwErrorKind.OperationTimeout)] // a timeout of another kind is not the wait's own
    public async Task Any_other_failure_ends_the_whole_wait(string errorId, BwErrorKind kind)
    {
        var script = new Script();
        var failure = new BwException(kind, errorId, "It failed.", "a");
        script.Jobs["a"] = new(TimeSpan.FromSeconds(1), new[] { "t0" }, failure);
        script.Jobs["b"] = new(TimeSpan.Zero, new[] { "t1" });
        var events = new List<WaitEvent>();

        var thrown = await Assert.ThrowsAsync<BwException>(async () =>
        {
            await foreach (var e in script.Waiter().WaitAsync(Request(new("a"), new("b")))) events.Add(e);
        });

        Assert.Same(failure, thrown);
        Assert.Equal(new[] { "start 1 a", "task a/t0", "progress 1 a" }, events.Select(Describe));
        Assert.Equal(new[] { "a" }, script.Requests.Select(r => r.JobId));
    }

    [Fact]
    public async Task Progress_carries_the_time_of_the_whole_wait_not_of_the_job()
    {
        var script = new Script();
        script.Jobs["a"] = new(TimeSpan.FromSeconds(3), Array.Empty<string>());
        script.Jobs["b"] = new(TimeSpan.FromMilliseconds(1500), new[] { "t1" });

        var progress = (await Collect(script.Waiter(), Request(new("a"), new("b")))).OfType<JobWaitProgress>().ToList();

        Assert.Equal(new[] { TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(4500) }, progress.Select(p => p.Elapsed));
        Assert.All(progress, p => Assert.Equal(TenSeconds, p.Timeout));
        Assert.Equal(new[] { 7, 5 }, progress.Select(p => p.SecondsRemaining));
        Assert.Equal(1, progress[1].Counts.Succeeded);
        Assert.Equal(TimeSpan.FromMilliseconds(7000), progress[1].Counts.Timeout); // the job's own, as its waiter got it
    }

    [Fact]
    public async Task A_timeout_that_is_not_positive_fails_before_any_job_is_waited_on()
    {
        var script = new Script();
        script.Jobs["a"] = new(TimeSpan.Zero, Array.Empty<string>());

        var error = await Assert.ThrowsAsync<BwException>(() => Collect(script.Waiter(), new MultiJobWaitRequest { Jobs = new[] { new JobToAwait("a") }, Timeout = TimeSpan.Zero }));

        Assert.Equal("InvalidTimeout", error.ErrorId);
        Assert.Empty(script.Requests);
    }

    /// <summary>
    /// With the real TaskWaiter over a scripted job: once the budget is spent, a later job's one poll still reports
    /// the task that completed, then its own WaitTimedOut naming the task still running.
    /// </summary>
    [Fact]
    public async Task A_later_job_with_nothing_left_reports_what_completed_then_its_own_timeout()
    {
        var context = TestBatchClients.Context();
        var transport = new ScriptedTransport(request =>
        {
            var path = request.Uri.AbsolutePath;
            if (path.EndsWith("/taskcounts", StringComparison.Ordinal))
                return ScriptedResponse.Json(200, """{"taskCounts":{"active":0,"running":1,"completed":1,"succeeded":1,"failed":0}}""");
            if (request.Query["$filter"] is { } filter && filter.StartsWith("state eq 'completed'", StringComparison.Ordinal))
                return ScriptedResponse.Json(200, """{"value":[{"id":"done","state":"completed","stateTransitionTime":"2025-07-01T12:00:00Z","executionInfo":{"exitCode":0,"result":"success","retryCount":0,"requeueCount":0}}]}""");
            return ScriptedResponse.Json(200, """{"value":[{"id":"slow","state":"running"}]}""");
        });
        var taskWaiter = new TaskWaiter(context, TestBatchClients.Create(transport));
        var clock = new ManualTimeProvider();
        var waiter = new MultiJobTaskWaiter((request, ct) =>
        {
            if (request.JobId == "first") { clock.Advance(TenSeconds); return Throw(TimedOut("first")); }
            return taskWaiter.WaitAsync(request, ct);
        }, clock);

        var events = await Collect(waiter, Request(new("first"), new("later")));

        // One poll when it took the waiter a millisecond or more, else two (it waits out the rest, then polls again).
        Assert.Equal(new[] { "start 1 first", "end 1 first timed out", "start 2 later", "task later/done", "end 2 later timed out" },
            events.Where(e => e is not JobWaitProgress).Select(Describe));
        Assert.IsType<JobWaitProgress>(events[^2]);
        var timedOut = events.OfType<JobWaitEnded>().Last().TimedOut!;
        Assert.Equal("WaitTimedOut", timedOut.ErrorId);
        Assert.Equal("1 task(s) of job 'later' did not complete within 00:00:00.0010000: slow (Running).", timedOut.Message, ignoreCase: true);
    }

    private static async IAsyncEnumerable<WaitEvent> Throw(BwException error)
    {
        await System.Threading.Tasks.Task.Yield();
        throw error;
#pragma warning disable CS0162 // an iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }
}
