using Azure.Storage.Blobs;
using BatchWords.Core.Tests.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>
/// TaskWaiter against a scripted service whose task completes between two of the waiter's queries: the
/// emulator finishes small tasks in well under a poll interval, so this happened on most local runs.
/// </summary>
public class TaskWaiterTests
{
    private static readonly BwContext Context = new(BwBackend.Local, "devstoreaccount1", new Uri("http://127.0.0.1:10000/devstoreaccount1"),
        StorageCredential.SharedKey("devstoreaccount1", TestBatchClients.Key, new BlobClientOptions()),
        TestBatchClients.Account, TestBatchClients.Endpoint, BatchCredential.SharedKey(TestBatchClients.Account, TestBatchClients.Key));

    /// <summary>
    /// A job with one task, running until the first task listing has been answered and completed (success)
    /// from then on, whatever the order the waiter asks in.
    /// </summary>
    private static ScriptedTransport TaskCompletingAfterTheFirstListing()
    {
        var listings = 0;
        return new ScriptedTransport(request =>
        {
            Assert.Equal("/jobs/job-1/tasks", request.Uri.AbsolutePath);
            var completedNow = Interlocked.Increment(ref listings) > 1;
            var askedForCompleted = request.Query["$filter"] == "state eq 'completed'";
            var task = completedNow
                ? """{"id":"t0","state":"completed","executionInfo":{"result":"success","exitCode":0,"retryCount":0,"requeueCount":0}}"""
                : """{"id":"t0","state":"running"}""";
            return ScriptedResponse.Json(200, completedNow == askedForCompleted ? $$"""{"value":[{{task}}]}""" : """{"value":[]}""");
        });
    }

    private static async Task<List<WaitEvent>> WaitAsync(ScriptedTransport transport, IReadOnlyCollection<string>? taskIds)
    {
        var waiter = new TaskWaiter(Context, TestBatchClients.Create(transport));
        var request = new WaitRequest { JobId = "job-1", TaskIds = taskIds, Timeout = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromMilliseconds(1) };
        var events = new List<WaitEvent>();
        await foreach (var e in waiter.WaitAsync(request)) events.Add(e);
        return events;
    }

    [Fact]
    public async Task A_named_task_that_completes_between_the_two_queries_is_reported_not_taken_for_missing()
    {
        var events = await WaitAsync(TaskCompletingAfterTheFirstListing(), new[] { "t0" });

        var finished = Assert.Single(events.OfType<TaskFinished>());
        Assert.Equal(("t0", true, 0), (finished.Task.TaskId, finished.Task.Succeeded, finished.Task.ExitCode));
    }

    [Fact]
    public async Task Waiting_for_a_whole_job_does_not_end_without_reporting_a_task_that_completed_between_the_queries()
    {
        var events = await WaitAsync(TaskCompletingAfterTheFirstListing(), null);

        Assert.Equal("t0", Assert.Single(events.OfType<TaskFinished>()).Task.TaskId);
        var last = Assert.IsType<WaitProgress>(events[^1]);
        Assert.Equal((1, 1, 0), (last.Total, last.Succeeded, last.Running + last.Active));
    }
}
