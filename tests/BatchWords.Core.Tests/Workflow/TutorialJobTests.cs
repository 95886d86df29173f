using BatchWords.Core.Tests.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>
/// The tutorial's job: checked once before anything is made (EnsureUsableIfExistsAsync), then created before the
/// pool (CreateJobIfAbsentAsync). The create posts at once: the job is read again only when it turns out to exist.
/// </summary>
public sealed class TutorialJobTests
{
    private static BwContext Context() => TestBatchClients.Context();

    private static JobOperations Jobs(ScriptedTransport transport) => new(Context(), TestBatchClients.Create(transport));

    private static int JobReads(ScriptedTransport transport) =>
        transport.Requests.Count(r => r.Method == "GET" && r.Uri.AbsolutePath == "/jobs/run1");

    [Fact]
    public async Task A_new_job_is_read_once_checked_then_created()
    {
        var transport = new ScriptedTransport(r => r.Method == "GET"
            ? ScriptedResponse.BatchError(404, "JobNotFound")
            : new ScriptedResponse(201));
        var jobs = Jobs(transport);

        Assert.False(await jobs.EnsureUsableIfExistsAsync("run1", "pool1"));
        Assert.True(await jobs.CreateJobIfAbsentAsync("run1", "pool1"));

        Assert.Equal(1, JobReads(transport));
        Assert.Equal(new[] { "GET", "POST" }, transport.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_job_made_meanwhile_on_another_pool_is_read_after_the_create_and_refused()
    {
        var transport = new ScriptedTransport(r => r.Method == "POST"
            ? ScriptedResponse.BatchError(409, "JobExists")
            : ScriptedResponse.Json(200, """{"id":"run1","state":"active","poolInfo":{"poolId":"other"}}"""));

        var error = await Assert.ThrowsAsync<BwException>(() => Jobs(transport).CreateJobIfAbsentAsync("run1", "pool1"));

        Assert.Equal("JobOnAnotherPool", error.ErrorId);
        Assert.Equal(1, JobReads(transport));
    }

    [Fact]
    public async Task A_job_made_meanwhile_on_the_same_pool_is_used_but_not_counted_as_created()
    {
        var transport = new ScriptedTransport(r => r.Method == "POST"
            ? ScriptedResponse.BatchError(409, "JobExists")
            : ScriptedResponse.Json(200, """{"id":"run1","state":"active","poolInfo":{"poolId":"pool1"}}"""));

        Assert.False(await Jobs(transport).CreateJobIfAbsentAsync("run1", "pool1"));
    }
}
