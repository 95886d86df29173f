using Azure;
using BatchWords.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// An answer lost after the service made the change (the connection dropped): the pipeline retries, and the retry
/// meets the change. A retried delete that meets 404 or "being deleted" is done; on a first attempt those stay errors.
/// </summary>
public class LostAnswerTests
{
    private static ScriptedTransport DroppedThen(ScriptedResponse answer)
    {
        var attempts = 0;
        return new ScriptedTransport(_ => ++attempts == 1 ? throw new IOException("The response ended prematurely.") : answer);
    }

    [Theory]
    [InlineData(404, "PoolNotFound")]
    [InlineData(409, "PoolBeingDeleted")]
    public async Task A_pool_delete_whose_answer_was_lost_is_done_when_the_retry_finds_it_gone(int status, string code)
    {
        var transport = DroppedThen(ScriptedResponse.BatchError(status, code));
        await TestBatchClients.Create(transport).DeletePoolAsync("p");
        Assert.Equal(2, transport.Requests.Count);
    }

    [Theory]
    [InlineData(404, "JobNotFound")]
    [InlineData(409, "JobBeingDeleted")]
    public async Task A_job_delete_whose_answer_was_lost_is_done_when_the_retry_finds_it_gone(int status, string code)
    {
        var transport = DroppedThen(ScriptedResponse.BatchError(status, code));
        await TestBatchClients.Create(transport).DeleteJobAsync("j");
        Assert.Equal(2, transport.Requests.Count);
    }

    [Theory]
    [InlineData(404, "PoolNotFound")]
    [InlineData(409, "PoolBeingDeleted")]
    public async Task A_first_attempt_that_finds_the_pool_gone_is_still_an_error(int status, string code)
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.BatchError(status, code));
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => TestBatchClients.Create(transport).DeletePoolAsync("p"));
        Assert.Equal(code, error.ErrorCode);
    }

    [Fact]
    public async Task A_retried_delete_refused_for_another_reason_is_still_an_error()
    {
        var transport = DroppedThen(ScriptedResponse.BatchError(403, "AuthenticationFailed"));
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => TestBatchClients.Create(transport).DeletePoolAsync("p"));
        Assert.Equal("AuthenticationFailed", error.ErrorCode);
    }
}
