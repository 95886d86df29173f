using Azure;
using BatchWords.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>Status classification, error mapping and retries of the client's pipeline.</summary>
public class BatchPipelineTests
{
    [Fact]
    public async Task BatchErrorBodyBecomesRequestFailedExceptionWithCodeAndMessage()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(404, """
            {"odata.metadata":"https://acct/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element",
             "code":"PoolNotFound",
             "message":{"lang":"en-US","value":"The specified pool does not exist.\nRequestId:1f0c\nTime:2025-07-01T12:00:00.1234567Z"},
             "values":[{"key":"Reason","value":"gone"}]}
            """));
        var client = TestBatchClients.Create(transport);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetPoolAsync("nope"));

        Assert.Equal(404, error.Status);
        Assert.Equal(BatchErrorCodeStrings.PoolNotFound, error.ErrorCode);
        Assert.StartsWith("The specified pool does not exist.", error.Message);
        Assert.Equal("gone", error.Data["Reason"]);
        var batchError = BatchError.FromException(error);
        Assert.NotNull(batchError);
        Assert.Equal("PoolNotFound", batchError!.Code);
        Assert.Equal("en-US", batchError.Message!.Lang);
        Assert.Single(transport.Requests); // 404 is not retried
    }

    [Fact]
    public async Task ANonBatchErrorBodyStillFailsWithItsStatus()
    {
        var transport = ScriptedTransport.Queue(new ScriptedResponse(403, "<html>proxy says no</html>", "text/html"));
        var client = TestBatchClients.Create(transport);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetJobAsync("j"));

        Assert.Equal(403, error.Status);
        Assert.Null(error.ErrorCode);
        Assert.Null(BatchError.FromException(error));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task TransientStatusesAreRetriedWithTheSameClientRequestId(int status)
    {
        var transport = ScriptedTransport.Queue(
            ScriptedResponse.BatchError(status, "ServerBusy"),
            ScriptedResponse.Json(200, """{"id":"j1","state":"active"}"""));
        var client = TestBatchClients.Create(transport);

        var job = await client.GetJobAsync("j1");

        Assert.Equal(BatchJobState.Active, job.Value.State);
        Assert.Equal(2, transport.Requests.Count);
        Assert.Equal(transport.Requests[0].Header("client-request-id"), transport.Requests[1].Header("client-request-id"));
    }

    [Fact]
    public async Task ClientErrorsAreNotRetried()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.BatchError(400, "InvalidPropertyValue"));
        var client = TestBatchClients.Create(transport);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.CreateJobAsync(
            new BatchJobCreateOptions("j1", new BatchPoolInfo { PoolId = "p" })));

        Assert.Equal("InvalidPropertyValue", error.ErrorCode);
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task RetryAfterIsHonouredAndTheRetryIsSignedWithAFreshDate()
    {
        var transport = ScriptedTransport.Queue(
            ScriptedResponse.BatchError(503, "ServerBusy").WithHeader("Retry-After", "1"),
            ScriptedResponse.Json(200, """{"id":"p1"}"""));
        var client = TestBatchClients.Create(transport);

        await client.GetPoolAsync("p1");

        var (first, second) = (transport.Requests[0], transport.Requests[1]);
        Assert.True(second.SentAt - first.SentAt >= TimeSpan.FromMilliseconds(950),
            $"The retry came {(second.SentAt - first.SentAt).TotalMilliseconds} ms after a Retry-After of 1 s.");
        var firstDate = DateTimeOffset.Parse(first.Header("ocp-date")!);
        var secondDate = DateTimeOffset.Parse(second.Header("ocp-date")!);
        Assert.True(secondDate > firstDate, "The retry must carry a new ocp-date (per-retry signing).");
        Assert.NotEqual(first.Header("Authorization"), second.Header("Authorization"));
    }

    [Fact]
    public async Task RetriesStopAfterMaxRetriesWithTheLastError()
    {
        var transport = new ScriptedTransport(_ => ScriptedResponse.BatchError(503, "ServerBusy"));
        var client = TestBatchClients.Create(transport, o => o.Retry.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetJobTaskCountsAsync("j"));

        Assert.Equal(503, error.Status);
        Assert.Equal("ServerBusy", error.ErrorCode);
        Assert.Equal(3, transport.Requests.Count);
    }

    [Fact]
    public async Task EachOperationAcceptsOnlyItsDocumentedSuccessStatus()
    {
        var transport = ScriptedTransport.Queue(
            new ScriptedResponse(201), // create pool
            new ScriptedResponse(202), // delete job
            new ScriptedResponse(202), // terminate job
            new ScriptedResponse(200)); // terminate job again: 200 is not its success code
        var client = TestBatchClients.Create(transport);

        Assert.Equal(201, (await client.CreatePoolAsync(new BatchPoolCreateOptions("p", "standard_d2s_v3"))).Status);
        Assert.Equal(202, (await client.DeleteJobAsync("j", force: true)).Status);
        Assert.Equal(202, (await client.TerminateJobAsync("j", new BatchJobTerminateOptions { TerminateReason = "done" })).Status);
        var unexpected = await Assert.ThrowsAsync<RequestFailedException>(() => client.TerminateJobAsync("j"));
        Assert.Equal(200, unexpected.Status);

        var requests = transport.Requests;
        Assert.Equal(("POST", "/pools"), (requests[0].Method, requests[0].Uri.AbsolutePath));
        Assert.Equal("application/json; odata=minimalmetadata", requests[0].Header("Content-Type"));
        Assert.Equal(("DELETE", "/jobs/j"), (requests[1].Method, requests[1].Uri.AbsolutePath));
        Assert.Equal("true", requests[1].Query["force"]);
        Assert.Equal(("POST", "/jobs/j/terminate"), (requests[2].Method, requests[2].Uri.AbsolutePath));
        Assert.Equal("""{"terminateReason":"done"}""", requests[2].BodyText);
        Assert.Empty(requests[3].Body);
    }

    [Fact]
    public async Task GetTaskFileEscapesThePathAsOneSegmentAndSendsTheRange()
    {
        var transport = ScriptedTransport.Queue(new ScriptedResponse(200, "hello", "application/octet-stream"));
        var client = TestBatchClients.Create(transport);

        var file = await client.GetTaskFileAsync("job-1", "t1", "wd/out.txt", ocpRange: "bytes=0-4");

        Assert.Equal("hello", file.Value.ToString());
        var request = Assert.Single(transport.Requests);
        Assert.EndsWith("/jobs/job-1/tasks/t1/files/wd%2Fout.txt", request.Uri.AbsolutePath);
        Assert.Equal("bytes=0-4", request.Header("ocp-range"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5123", "/pools/p1")]
    [InlineData("http://127.0.0.1:5123/", "/pools/p1")]
    [InlineData("http://localhost:8080/batch/", "/batch/pools/p1")]
    public async Task AnyBaseUriWorksWithOrWithoutATrailingSlash(string endpoint, string expectedPath)
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200, """{"id":"p1"}"""));
        var client = new BatchClient(new Uri(endpoint), new AzureNamedKeyCredential(TestBatchClients.Account, TestBatchClients.Key),
            new BatchClientOptions { Transport = transport });

        await client.GetPoolAsync("p1");

        Assert.Equal(expectedPath, Assert.Single(transport.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public async Task CancellationIsObserved()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200, "{}"));
        var client = TestBatchClients.Create(transport);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetJobAsync("j", cancellationToken: cancelled.Token));
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task EntraIdUsesABearerTokenForTheBatchScope()
    {
        var credential = new RecordingTokenCredential();
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200, """{"id":"p"}"""));
        var options = new BatchClientOptions { Transport = transport };
        // Bearer tokens are only sent over https by Azure.Core, as for the real service.
        var client = new BatchClient(new Uri("https://acct.eastus.batch.azure.com"), credential, options);

        await client.GetPoolAsync("p");

        Assert.Equal("Bearer token-123", Assert.Single(transport.Requests).Header("Authorization"));
        Assert.Equal(new[] { "https://batch.core.windows.net//.default" }, credential.LastScopes);
    }

    private sealed class RecordingTokenCredential : Azure.Core.TokenCredential
    {
        public string[]? LastScopes { get; private set; }

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            LastScopes = requestContext.Scopes;
            return new Azure.Core.AccessToken("token-123", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
