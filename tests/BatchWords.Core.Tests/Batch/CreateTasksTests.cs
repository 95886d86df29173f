using System.Collections.Concurrent;
using System.Text.Json;
using BatchWords.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// CreateTasks against a scripted add-task-collection endpoint: chunking by count and size, halving on 413,
/// resending servererrors, TaskExists as success, and every task reported.
/// </summary>
public class CreateTasksTests
{
    private static readonly CreateTasksOptions Fast = new()
    {
        MaxDegreeOfParallelism = 4,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        ThrottleDelay = TimeSpan.FromMilliseconds(1),
        MaxTimeBetweenCalls = TimeSpan.FromMilliseconds(5),
    };

    private static List<BatchTaskCreateOptions> Tasks(int count, int commandPadding = 0) =>
        Enumerable.Range(1, count)
            .Select(i => new BatchTaskCreateOptions($"topNtask{i}", "/bin/sh -c 'echo hi'" + new string('x', commandPadding)))
            .ToList();

    private static IReadOnlyList<string> TaskIdsIn(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("value").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>Answers an add-task-collection with a per-task status chosen by <paramref name="statusFor"/>.</summary>
    private static ScriptedResponse Results(IEnumerable<string> ids, Func<string, string> statusFor)
    {
        var items = ids.Select(id => statusFor(id) switch
        {
            "success" => $$"""{"status":"success","taskId":"{{id}}","eTag":"0x1","location":"http://127.0.0.1/jobs/j/tasks/{{id}}"}""",
            var code => $$"""{"status":"{{(code == "ServerBusy" ? "servererror" : "clienterror")}}","taskId":"{{id}}","error":{"code":"{{code}}","message":{"lang":"en-US","value":"{{code}} happened"}""" + "}}",
        });
        return ScriptedResponse.Json(200, "{\"value\":[" + string.Join(",", items) + "]}");
    }

    private static ScriptedTransport AllSucceed() => new(r => Results(TaskIdsIn(r), _ => "success"));

    [Fact]
    public async Task TwoHundredFiftyTasksGoOutInChunksOf100_100_50()
    {
        var transport = AllSucceed();
        var client = TestBatchClients.Create(transport);

        var result = await client.CreateTasksAsync("j", Tasks(250), Fast);

        Assert.Equal(new[] { 50, 100, 100 }, transport.Requests.Select(r => TaskIdsIn(r).Count).Order());
        Assert.All(transport.Requests, r => Assert.Equal("/jobs/j/addtaskcollection", r.Uri.AbsolutePath));
        Assert.Equal((250, 0), (result.PassCount, result.FailCount));
        Assert.Equal(Tasks(250).Select(t => t.Id), result.Results.Select(r => r.TaskId)); // input order
        Assert.Equal(250, transport.Requests.SelectMany(TaskIdsIn).Distinct().Count());
    }

    [Fact]
    public async Task ChunksStayUnderOneMebibyteMeasuredOnTheBytesSent()
    {
        var transport = AllSucceed();
        var client = TestBatchClients.Create(transport);

        // 12 tasks of ~200 KB: 100 would fit by count, but only 5 fit under 1 MiB.
        var result = await client.CreateTasksAsync("j", Tasks(12, commandPadding: 200_000), Fast);

        Assert.Equal(12, result.PassCount);
        Assert.All(transport.Requests, r => Assert.True(r.Body.Length < 1_048_576, $"{r.Body.Length} bytes sent"));
        Assert.Equal(new[] { 2, 5, 5 }, transport.Requests.Select(r => TaskIdsIn(r).Count).Order());
    }

    [Fact]
    public async Task A413HalvesTheChunkUntilItFitsAndEveryTaskIsAdded()
    {
        const int serverLimit = 30; // this server refuses more than 30 tasks per call as too large
        var transport = new ScriptedTransport(r =>
        {
            var ids = TaskIdsIn(r);
            return ids.Count > serverLimit
                ? ScriptedResponse.BatchError(413, "RequestBodyTooLarge", "The request body is too large. MaxLimit: 1048576")
                : Results(ids, _ => "success");
        });
        var client = TestBatchClients.Create(transport);

        var result = await client.CreateTasksAsync("j", Tasks(100), Fast);

        Assert.Equal((100, 0), (result.PassCount, result.FailCount));
        var accepted = transport.Requests.Where(r => TaskIdsIn(r).Count <= serverLimit).ToList();
        Assert.Equal(100, accepted.SelectMany(TaskIdsIn).Distinct().Count());
        Assert.Contains(transport.Requests, r => TaskIdsIn(r).Count == 100);
        Assert.Contains(transport.Requests, r => TaskIdsIn(r).Count == 50);
    }

    [Fact]
    public async Task ATaskTooLargeOnItsOwnIsReportedFailedAndNotSent()
    {
        var transport = AllSucceed();
        var client = TestBatchClients.Create(transport);
        var tasks = Tasks(3);
        tasks.Insert(1, new BatchTaskCreateOptions("huge", new string('y', 1_100_000)));

        var result = await client.CreateTasksAsync("j", tasks, Fast);

        Assert.Equal((3, 1), (result.PassCount, result.FailCount));
        var failure = Assert.Single(result.Failures);
        Assert.Equal("huge", failure.TaskId);
        Assert.Equal(BatchErrorCodeStrings.RequestBodyTooLarge, failure.Error!.Code);
        Assert.Contains("1,048,576", failure.Error.Message!.Value);
        Assert.DoesNotContain("huge", transport.Requests.SelectMany(TaskIdsIn));
    }

    [Fact]
    public async Task AServer413ForASingleTaskReportsThatTaskFailed()
    {
        var transport = new ScriptedTransport(r => TaskIdsIn(r).Contains("topNtask2")
            ? ScriptedResponse.BatchError(413, "RequestBodyTooLarge")
            : Results(TaskIdsIn(r), _ => "success"));
        var client = TestBatchClients.Create(transport);

        var result = await client.CreateTasksAsync("j", Tasks(4), Fast);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("topNtask2", "RequestBodyTooLarge"), (failure.TaskId, failure.Error!.Code));
        Assert.Equal(3, result.PassCount);
    }

    [Fact]
    public async Task ServerErrorItemsAreResentUntilAdded()
    {
        var attempts = new ConcurrentDictionary<string, int>();
        var transport = new ScriptedTransport(r => Results(TaskIdsIn(r),
            id => attempts.AddOrUpdate(id, 1, (_, n) => n + 1) <= 2 && id == "topNtask7" ? "ServerBusy" : "success"));
        var client = TestBatchClients.Create(transport);

        var result = await client.CreateTasksAsync("j", Tasks(10), Fast);

        Assert.Equal((10, 0), (result.PassCount, result.FailCount));
        Assert.Equal(3, attempts["topNtask7"]);
        Assert.Equal(1, attempts["topNtask1"]);
    }

    [Fact]
    public async Task PersistentServerErrorsEndAsFailuresAfterTheRetryBudget()
    {
        var sends = new ConcurrentDictionary<string, int>();
        var transport = new ScriptedTransport(r => Results(TaskIdsIn(r),
            id => { sends.AddOrUpdate(id, 1, (_, n) => n + 1); return id == "topNtask3" ? "ServerBusy" : "success"; }));
        var client = TestBatchClients.Create(transport);
        var options = new CreateTasksOptions { MaxTaskRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(1) };

        var result = await client.CreateTasksAsync("j", Tasks(5), options);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("topNtask3", BatchTaskAddStatus.ServerError, "ServerBusy"), (failure.TaskId, failure.Status, failure.Error!.Code));
        Assert.Equal(3, sends["topNtask3"]); // first send + 2 retries
    }

    [Fact]
    public async Task TaskExistsCountsAsAddedAndOtherClientErrorsAreReportedWithTheirCode()
    {
        var transport = new ScriptedTransport(r => Results(TaskIdsIn(r), id => id switch
        {
            "topNtask2" => "TaskExists",
            "topNtask4" => "InvalidPropertyValue",
            _ => "success",
        }));
        var client = TestBatchClients.Create(transport);

        var result = await client.CreateTasksAsync("j", Tasks(5), Fast);

        Assert.Equal((4, 1), (result.PassCount, result.FailCount));
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("topNtask4", BatchTaskAddStatus.ClientError, "InvalidPropertyValue"), (failure.TaskId, failure.Status, failure.Error!.Code));
        Assert.Single(transport.Requests); // client errors are not resent
    }

    [Fact]
    public async Task ATaskMissingFromTheResponseIsResentNotDropped()
    {
        var calls = 0;
        var transport = new ScriptedTransport(r =>
        {
            var ids = TaskIdsIn(r);
            return Interlocked.Increment(ref calls) == 1 ? Results(ids.Where(id => id != "topNtask5"), _ => "success") : Results(ids, _ => "success");
        });
        var client = TestBatchClients.Create(transport);

        var result = await client.CreateTasksAsync("j", Tasks(6), Fast);

        Assert.Equal(6, result.PassCount);
        Assert.Equal(new[] { "topNtask5" }, TaskIdsIn(transport.Requests[1]));
    }

    [Fact]
    public async Task AJobLevelErrorFailsEveryTaskWithItsCodeAndStopsSending()
    {
        var transport = new ScriptedTransport(_ => ScriptedResponse.BatchError(404, "JobNotFound", "The specified job does not exist."));
        var client = TestBatchClients.Create(transport);

        var result = await client.CreateTasksAsync("j", Tasks(1000), new CreateTasksOptions { MaxDegreeOfParallelism = 2 });

        Assert.Equal((0, 1000), (result.PassCount, result.FailCount));
        Assert.All(result.Results, r => Assert.Equal("JobNotFound", r.Error!.Code));
        Assert.InRange(transport.Requests.Count, 1, 2); // only what was already in flight
    }

    [Fact]
    public async Task ThrottlingBeyondThePipelineRetriesBacksOffAndResends()
    {
        var calls = 0;
        var transport = new ScriptedTransport(r => Interlocked.Increment(ref calls) <= 2
            ? ScriptedResponse.BatchError(429, "TooManyRequests")
            : Results(TaskIdsIn(r), _ => "success"));
        var client = TestBatchClients.Create(transport, o => o.Retry.MaxRetries = 0);

        var result = await client.CreateTasksAsync("j", Tasks(20), Fast);

        Assert.Equal(20, result.PassCount);
        Assert.Equal(3, transport.Requests.Count);
    }

    /// <summary>
    /// Issue 12, finding 7: on 429 the gap between calls grew by 5 s per throttle up to 30 s and never shrank,
    /// so one throttled burst slowed the rest of the run. Now it doubles while throttled (at least Retry-After)
    /// and halves on each success, back to no gap at all.
    /// </summary>
    [Fact]
    public async Task A_throttled_burst_doubles_the_gap_honours_Retry_After_and_the_gap_shrinks_back_to_zero_after_successes()
    {
        var calls = 0;
        var transport = new ScriptedTransport(r => Interlocked.Increment(ref calls) switch
        {
            <= 4 => ScriptedResponse.BatchError(429, "TooManyRequests"),
            5 => ScriptedResponse.BatchError(503, "ServerBusy").WithHeader("retry-after-ms", "40"),
            _ => Results(TaskIdsIn(r), _ => "success"),
        });
        var client = TestBatchClients.Create(transport, o => o.Retry.MaxRetries = 0);
        var gaps = new ConcurrentQueue<TimeSpan>();
        var options = new CreateTasksOptions
        {
            MaxDegreeOfParallelism = 1, MaxTaskRetries = 10, RetryDelay = TimeSpan.Zero,
            ThrottleDelay = TimeSpan.FromMilliseconds(2), MaxTimeBetweenCalls = TimeSpan.FromMilliseconds(100),
            Random = () => 0.5, OnThrottleGap = gaps.Enqueue,
        };

        var result = await client.CreateTasksAsync("j", Tasks(1000), options);

        Assert.Equal(1000, result.PassCount);
        Assert.Equal(15, transport.Requests.Count); // 10 chunks, the first sent 6 times
        var ms = gaps.Select(g => g.TotalMilliseconds).ToList();
        // Throttled: 2, 4, 8, 16, then Retry-After 40 > 32; then each success halves it, and below 0.2 ms it is gone.
        Assert.Equal(new double[] { 2, 4, 8, 16, 40, 20, 10, 5, 2.5, 1.25, 0.625, 0.3125, 0, 0, 0 }, ms);
    }

    [Fact]
    public void The_throttle_gap_is_capped_and_each_wait_is_jittered_around_it()
    {
        var random = 0.0;
        var governor = new ThrottleGovernor(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), () => random);
        Assert.Equal(TimeSpan.Zero, governor.NextWait());

        for (var i = 0; i < 10; i++) governor.OnThrottled(retryAfter: null);
        Assert.Equal(TimeSpan.FromSeconds(30), governor.Gap);
        Assert.Equal(TimeSpan.FromSeconds(24), governor.NextWait());
        random = 1.0;
        Assert.Equal(TimeSpan.FromSeconds(36), governor.NextWait());

        governor.OnThrottled(TimeSpan.FromMinutes(5)); // never beyond the cap, even when the service asks
        Assert.Equal(TimeSpan.FromSeconds(30), governor.Gap);
    }

    [Fact]
    public async Task TransientFailuresAfterPipelineRetriesAreResentThenReported()
    {
        var transport = new ScriptedTransport(_ => ScriptedResponse.BatchError(503, "ServerBusy"));
        var client = TestBatchClients.Create(transport, o => o.Retry.MaxRetries = 0);

        var result = await client.CreateTasksAsync("j", Tasks(3),
            new CreateTasksOptions { MaxTaskRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(1), ThrottleDelay = TimeSpan.FromMilliseconds(1) });

        Assert.Equal(3, result.FailCount);
        Assert.All(result.Results, r => Assert.Equal("ServerBusy", r.Error!.Code));
        Assert.Equal(2, transport.Requests.Count);
    }

    [Fact]
    public async Task DuplicateIdsIgnoringCaseAreRejectedBeforeAnythingIsSent()
    {
        var transport = AllSucceed();
        var client = TestBatchClients.Create(transport);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CreateTasksAsync("j",
            new[] { new BatchTaskCreateOptions("Task1", "a"), new BatchTaskCreateOptions("task1", "b") }));

        Assert.Contains("task1", error.Message);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task NoTasksMeansNoRequests()
    {
        var transport = AllSucceed();
        var result = await TestBatchClients.Create(transport).CreateTasksAsync("j", Array.Empty<BatchTaskCreateOptions>());

        Assert.Equal((0, 0), (result.PassCount, result.FailCount));
        Assert.Empty(transport.Requests);
    }
}
