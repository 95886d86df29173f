using System.Globalization;
using System.Text.RegularExpressions;
using BatchWords.Core.Tests.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>
/// TaskWaiter over a scripted Batch job that answers task counts, filtered and paged task listings and stderr
/// files: what it asks for on each poll, and what it makes of the answers.
/// </summary>
public sealed class TaskWaiterTests
{
    private static BwContext Context() => TestBatchClients.Context();

    private static WaitRequest Request(IReadOnlyCollection<string>? ids = null) => new()
    {
        JobId = "job", TaskIds = ids, PollInterval = TimeSpan.FromMilliseconds(1), MaxPollInterval = TimeSpan.FromMilliseconds(1),
    };

    /// <summary>
    /// A job on the service's side. Completions happen in batches, each batch 10 s after the previous one on the
    /// service clock; listings page by 1,000 as the service does. Every request is recorded with the poll it
    /// belongs to (a poll starts with its taskcounts request).
    /// </summary>
    private sealed class FakeJob
    {
        private readonly object _gate = new();
        private readonly List<(string Id, string State, DateTimeOffset At, int Exit)> _tasks = new();
        private DateTimeOffset _clock = new(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);
        private int _stderrInFlight;

        public FakeJob(int tasks) { for (var i = 0; i < tasks; i++) _tasks.Add(($"t{i}", "active", _clock, 0)); }

        public Action<int>? OnPoll { get; set; }
        public int Poll { get; private set; }
        public List<(int Poll, string Kind)> Requests { get; } = new();
        public int CompletedRecordsListed { get; private set; }
        public int MaxStderrInFlight { get; private set; }
        public TimeSpan StderrDelay { get; init; }

        public void Complete(int count, int exitCode = 0, string state = "completed")
        {
            lock (_gate)
            {
                _clock = _clock.AddSeconds(10);
                for (int i = 0, done = 0; i < _tasks.Count && done < count; i++)
                    if (_tasks[i].State != "completed") { _tasks[i] = (_tasks[i].Id, state, _clock, exitCode); done++; }
            }
        }

        public void Run(int count) { lock (_gate) for (int i = 0, done = 0; i < _tasks.Count && done < count; i++) if (_tasks[i].State == "active") { _tasks[i] = (_tasks[i].Id, "running", _clock, 0); done++; } }

        public ScriptedResponse Handle(RecordedRequest request)
        {
            var path = request.Uri.AbsolutePath;
            if (path.EndsWith("/taskcounts", StringComparison.Ordinal))
            {
                Poll++;
                OnPoll?.Invoke(Poll);
                lock (_gate)
                {
                    Requests.Add((Poll, "counts"));
                    int active = _tasks.Count(t => t.State == "active"), running = _tasks.Count(t => t.State == "running");
                    int ok = _tasks.Count(t => t.State == "completed" && t.Exit == 0), bad = _tasks.Count(t => t.State == "completed" && t.Exit != 0);
                    return ScriptedResponse.Json(200, $$$"""{"taskCounts":{"active":{{{active}}},"running":{{{running}}},"completed":{{{ok + bad}}},"succeeded":{{{ok}}},"failed":{{{bad}}}}}""");
                }
            }
            if (path.EndsWith("/stderr.txt", StringComparison.Ordinal))
            {
                lock (_gate) { Requests.Add((Poll, "stderr")); MaxStderrInFlight = Math.Max(MaxStderrInFlight, ++_stderrInFlight); }
                Thread.Sleep(StderrDelay);
                lock (_gate) _stderrInFlight--;
                return new ScriptedResponse(200, "boom in " + path.Split('/')[^3], "application/octet-stream");
            }
            if (path.EndsWith("/jobs/job", StringComparison.Ordinal))
            {
                lock (_gate) Requests.Add((Poll, "job"));
                return ScriptedResponse.Json(200, """{"id":"job","poolInfo":{"poolId":"pool"}}""");
            }
            if (path.EndsWith("/nodes", StringComparison.Ordinal))
            {
                lock (_gate) Requests.Add((Poll, "nodes"));
                return ScriptedResponse.Json(200, """{"value":[{"id":"n1","state":"idle"}]}""");
            }
            var filter = request.Query["$filter"];
            var skip = int.Parse(request.Query["skip"] ?? "0", CultureInfo.InvariantCulture);
            lock (_gate)
            {
                Requests.Add((Poll, filter is null ? "ids" : "list"));
                IEnumerable<(string Id, string State, DateTimeOffset At, int Exit)> matching = _tasks;
                if (filter is not null)
                {
                    if (filter.StartsWith("state eq 'completed'", StringComparison.Ordinal)) matching = matching.Where(t => t.State == "completed");
                    else if (filter.StartsWith("state ne 'completed'", StringComparison.Ordinal)) matching = matching.Where(t => t.State != "completed");
                    else throw new InvalidOperationException("Unexpected filter " + filter);
                    if (Regex.Match(filter, @"stateTransitionTime ge datetime'([^']+)'") is { Success: true } since)
                    {
                        var at = DateTimeOffset.Parse(since.Groups[1].Value, CultureInfo.InvariantCulture);
                        matching = matching.Where(t => t.At >= at);
                    }
                }
                var page = matching.Skip(skip).Take(1000).ToList();
                if (filter?.StartsWith("state eq 'completed'", StringComparison.Ordinal) == true) CompletedRecordsListed += page.Count;
                var items = page.Select(t => t.State == "completed"
                    ? $$$"""{"id":"{{{t.Id}}}","state":"completed","stateTransitionTime":"{{{t.At:O}}}","executionInfo":{"exitCode":{{{t.Exit}}},"result":"{{{(t.Exit == 0 ? "success" : "failure")}}}","retryCount":0,"requeueCount":0}}"""
                    : $$"""{"id":"{{t.Id}}","state":"{{t.State}}"}""");
                var next = matching.Count() > skip + 1000
                    ? $",\"odata.nextLink\":\"{Regex.Replace(request.Uri.AbsoluteUri, "&skip=\\d+", "")}&skip={skip + 1000}\""
                    : "";
                return ScriptedResponse.Json(200, "{\"value\":[" + string.Join(",", items) + "]" + next + "}");
            }
        }
    }

    private static async Task<List<WaitEvent>> Wait(FakeJob job, WaitRequest request)
    {
        var waiter = new TaskWaiter(Context(), TestBatchClients.Create(new ScriptedTransport(job.Handle)));
        var events = new List<WaitEvent>();
        await foreach (var e in waiter.WaitAsync(request)) events.Add(e);
        return events;
    }

    /// <summary>
    /// Issue 12, finding 3: every poll listed every completed task again in full (a finished 10k job: 10 pages,
    /// 13 MB per poll). Now a poll is the counts plus, when they changed, only the tasks completed since the
    /// last listing: with 4,000 tasks complete and 250 more per poll, no poll after the first makes more than
    /// two requests, and no task record is fetched more than twice (the short overlap of the delta listing).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // piped: every task id named (issue 12, finding 2: that path was quadratic)
    public async Task Each_poll_is_a_bounded_number_of_requests_however_many_tasks_have_completed(bool piped)
    {
        const int Tasks = 6_000;
        var job = new FakeJob(Tasks);
        for (var batch = 0; batch < 16; batch++) job.Complete(250); // 4,000 complete, 10 s apart in batches
        job.Run(2_000);
        // Each poll after the first completes 250 more tasks before the poll's own requests are answered.
        job.OnPoll = poll => { if (poll > 1) job.Complete(250); };

        var events = await Wait(job, Request(piped ? Enumerable.Range(0, Tasks).Select(i => $"t{i}").ToList() : null));

        Assert.Equal(Tasks, events.OfType<TaskFinished>().Select(f => f.Task.TaskId).Distinct().Count());
        Assert.Equal(Tasks, events.OfType<TaskFinished>().Count());
        var perPoll = job.Requests.GroupBy(r => r.Poll).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(perPoll.Count >= 9, $"{perPoll.Count} polls");
        Assert.All(perPoll.Where(p => p.Key > 1), p => Assert.InRange(p.Value, 1, 2));
        // 6,000 records once, plus at most the previous batch (250) again per later poll.
        Assert.InRange(job.CompletedRecordsListed, Tasks, Tasks + 250 * perPoll.Count);
        var last = Assert.IsType<WaitProgress>(events[^1]);
        Assert.Equal((Tasks, Tasks, 0), (last.Total, last.Succeeded, last.Active + last.Running));
    }

    [Fact]
    public async Task A_poll_whose_counts_did_not_change_makes_one_request_and_a_listing_still_comes_every_few_polls()
    {
        var job = new FakeJob(3);
        job.Run(3);
        job.OnPoll = poll => { if (poll == 12) job.Complete(3); };

        await Wait(job, Request());

        var lists = job.Requests.Where(r => r.Kind == "list").Select(r => r.Poll).ToList();
        // The first poll, then one every 5th poll as a guard against counts that lag, then the poll the counts changed.
        Assert.Equal(new[] { 1, 6, 11, 12 }, lists);
        Assert.All(job.Requests.Where(r => !lists.Contains(r.Poll)), r => Assert.Equal("counts", r.Kind));
    }

    [Fact]
    public async Task A_whole_job_wait_does_not_end_before_the_listing_shows_what_the_counts_already_count()
    {
        // The counts say one task completed; the first listing (lagging behind) does not show it yet.
        var job = new FakeJob(1);
        job.Complete(1);
        var waiter = new TaskWaiter(Context(), TestBatchClients.Create(new ScriptedTransport(r =>
            r.Uri.AbsolutePath.EndsWith("/tasks", StringComparison.Ordinal) && job.Requests.Count(q => q.Kind == "list") == 0
                ? Lagging(job)
                : job.Handle(r))));

        var events = new List<WaitEvent>();
        await foreach (var e in waiter.WaitAsync(Request())) events.Add(e);

        Assert.Equal("t0", Assert.Single(events.OfType<TaskFinished>()).Task.TaskId);
        var last = Assert.IsType<WaitProgress>(events[^1]);
        Assert.Equal((1, 1, 0), (last.Total, last.Succeeded, last.Running + last.Active));

        static ScriptedResponse Lagging(FakeJob job)
        {
            job.Requests.Add((job.Poll, "list"));
            return ScriptedResponse.Json(200, """{"value":[]}""");
        }
    }

    /// <summary>
    /// Issue 12, finding 4: each failed task's stderr was one GET after another inside the poll (10k failures,
    /// 10,011 sequential requests). They are now read several at a time, never more than 8, and each failure
    /// still carries its own stderr.
    /// </summary>
    [Fact]
    public async Task Failed_tasks_stderr_is_read_in_parallel_with_a_bound()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
        var job = new FakeJob(40) { StderrDelay = TimeSpan.FromMilliseconds(30) };
        job.Complete(40, exitCode: 3);

        var events = await Wait(job, Request());

        var failures = events.OfType<TaskFinished>().ToList();
        Assert.Equal(40, failures.Count);
        Assert.All(failures, f => Assert.Equal($"boom in {f.Task.TaskId}", f.StderrTail));
        Assert.InRange(job.MaxStderrInFlight, 2, TaskWaiter.StderrReadParallelism);
        Assert.Equal(40, job.Requests.Count(r => r.Kind == "stderr"));
    }

    [Fact]
    public async Task An_awaited_task_the_job_does_not_have_is_a_TaskNotFound_error()
    {
        var job = new FakeJob(1);
        job.Complete(1);

        var error = await Assert.ThrowsAsync<BwException>(() => Wait(job, Request(new[] { "t0", "gone" })));

        Assert.Equal(("TaskNotFound", BwErrorKind.ObjectNotFound), (error.ErrorId, error.Kind));
        Assert.Contains("1 of the awaited", error.Message);
    }

    [Fact]
    public async Task At_the_timeout_the_unfinished_tasks_are_named_with_their_states()
    {
        var job = new FakeJob(3);
        job.Complete(1);
        job.Run(1);

        var error = await Assert.ThrowsAsync<BwException>(() => Wait(job, new WaitRequest
        {
            JobId = "job", Timeout = TimeSpan.FromMilliseconds(30), PollInterval = TimeSpan.FromMilliseconds(5), MaxPollInterval = TimeSpan.FromMilliseconds(5),
        }));

        Assert.Equal("WaitTimedOut", error.ErrorId);
        Assert.Contains("2 task(s)", error.Message);
        Assert.Contains("t1 (Running)", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("t2 (Active)", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
