using System.Web;
using BatchWords.Core.Tests.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>TaskWaiter over a scripted Batch service: what it asks for, and what it makes of the answers.</summary>
public sealed class TaskWaiterTests
{
    private static BwContext Context() => new(BwBackend.Local, "devstoreaccount1", new Uri("http://127.0.0.1:1/devstoreaccount1"),
        StorageCredential.SharedKey("devstoreaccount1", BatchWords.Core.Tests.Infrastructure.AzuriteFixture.WellKnownDevelopmentKey, StorageClientOptionsFactory.ForLocal()),
        TestBatchClients.Account, TestBatchClients.Endpoint, BatchCredential.SharedKey(TestBatchClients.Account, TestBatchClients.Key));

    private static string Task(string id, string state) => state == "completed"
        ? $$$"""{"id":"{{{id}}}","state":"completed","executionInfo":{"exitCode":0,"result":"success","retryCount":0,"requeueCount":0}}"""
        : $$"""{"id":"{{id}}","state":"{{state}}"}""";

    [Fact]
    public async Task A_task_that_completes_between_the_two_queries_of_a_poll_is_reported_finished_not_missing()
    {
        // t2 completes right after the service answered the first query of the first poll.
        var t2Completed = false;
        var filters = new List<string>();
        var transport = new ScriptedTransport(request =>
        {
            var filter = HttpUtility.ParseQueryString(request.Uri.Query)["$filter"] ?? "";
            filters.Add(filter);
            var states = new[] { ("t1", "completed"), ("t2", t2Completed ? "completed" : "running") };
            t2Completed = true;
            var matching = states.Where(t => filter == "state eq 'completed'" ? t.Item2 == "completed" : t.Item2 != "completed");
            return ScriptedResponse.Json(200, $$"""{"value":[{{string.Join(",", matching.Select(t => Task(t.Item1, t.Item2)))}}]}""");
        });
        var waiter = new TaskWaiter(Context(), TestBatchClients.Create(transport));

        var finished = new List<string>();
        await foreach (var e in waiter.WaitAsync(new WaitRequest { JobId = "job", TaskIds = new[] { "t1", "t2" }, PollInterval = TimeSpan.FromMilliseconds(1) }))
            if (e is TaskFinished f) finished.Add(f.Task.TaskId);

        Assert.Equal(new[] { "t1", "t2" }, finished.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "state ne 'completed'", "state eq 'completed'" }, filters);
    }

    [Fact]
    public async Task Waiting_for_a_whole_job_does_not_end_without_reporting_a_task_that_completed_between_the_queries()
    {
        // The job's one task runs until the first query has been answered and is completed from then on.
        var listings = 0;
        var transport = new ScriptedTransport(request =>
        {
            var completedNow = Interlocked.Increment(ref listings) > 1;
            var askedForCompleted = HttpUtility.ParseQueryString(request.Uri.Query)["$filter"] == "state eq 'completed'";
            var task = Task("t0", completedNow ? "completed" : "running");
            return ScriptedResponse.Json(200, completedNow == askedForCompleted ? $$"""{"value":[{{task}}]}""" : """{"value":[]}""");
        });
        var waiter = new TaskWaiter(Context(), TestBatchClients.Create(transport));

        var events = new List<WaitEvent>();
        await foreach (var e in waiter.WaitAsync(new WaitRequest { JobId = "job", PollInterval = TimeSpan.FromMilliseconds(1) })) events.Add(e);

        // Asked completed-first, both queries missed it and the wait ended at once with nothing reported.
        Assert.Equal("t0", Assert.Single(events.OfType<TaskFinished>()).Task.TaskId);
        var last = Assert.IsType<WaitProgress>(events[^1]);
        Assert.Equal((1, 1, 0), (last.Total, last.Succeeded, last.Running + last.Active));
    }

    [Fact]
    public async Task An_awaited_task_the_job_does_not_have_is_a_TaskNotFound_error()
    {
        var transport = new ScriptedTransport(request =>
            ScriptedResponse.Json(200, HttpUtility.ParseQueryString(request.Uri.Query)["$filter"] == "state eq 'completed'"
                ? $$"""{"value":[{{Task("t1", "completed")}}]}"""
                : """{"value":[]}"""));
        var waiter = new TaskWaiter(Context(), TestBatchClients.Create(transport));

        var error = await Assert.ThrowsAsync<BwException>(async () =>
        {
            await foreach (var _ in waiter.WaitAsync(new WaitRequest { JobId = "job", TaskIds = new[] { "t1", "gone" }, PollInterval = TimeSpan.FromMilliseconds(1) })) { }
        });
        Assert.Equal(("TaskNotFound", BwErrorKind.ObjectNotFound), (error.ErrorId, error.Kind));
    }
}
