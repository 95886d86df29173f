using Azure;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// A failed service call's BwException carries the ids support asks for: the service's request id and the client
/// request id this client sent, and the service message's detail lines, not only its first line.
/// </summary>
public sealed class ServiceRequestIdTests
{
    [Fact]
    public async Task BatchFailureKeepsRequestIdClientRequestIdAndDetails()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(404, """
            {"code":"PoolNotFound",
             "message":{"lang":"en-US","value":"The specified pool does not exist.\nRequestId:5d1b7f0e-aaaa-bbbb-cccc-000000000001\nTime:2025-07-01T12:00:00.1234567Z"},
             "values":[{"key":"Reason","value":"gone since yesterday"}]}
            """).WithHeader("request-id", "5d1b7f0e-aaaa-bbbb-cccc-000000000001"));
        var client = TestBatchClients.Create(transport);

        var error = await Assert.ThrowsAsync<BwException>(() => BatchErrors.Guard("Get pool", "nope", () => client.GetPoolAsync("nope")));

        var sent = Assert.Single(transport.Requests).Header("client-request-id");
        Assert.False(string.IsNullOrEmpty(sent));
        Assert.Equal("5d1b7f0e-aaaa-bbbb-cccc-000000000001", error.RequestId);
        Assert.Equal(sent, error.ClientRequestId);
        Assert.Contains("The specified pool does not exist.", error.Message);
        Assert.Contains("Reason: gone since yesterday", error.Message);
        Assert.EndsWith($"Request id: 5d1b7f0e-aaaa-bbbb-cccc-000000000001, client request id: {sent}.", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void StorageFailureKeepsXMsRequestIds()
    {
        var response = new ScriptedResponse(404, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.\nRequestId:st-1\nTime:2025-07-01T12:00:00Z</Message></Error>", "application/xml")
            .WithHeader("x-ms-request-id", "st-1")
            .WithHeader("x-ms-client-request-id", "client-7")
            .WithHeader("x-ms-error-code", "ContainerNotFound");

        var error = StorageErrors.Map(new RequestFailedException(response), "List blobs", "box");

        Assert.Equal(("st-1", "client-7"), (error.RequestId, error.ClientRequestId));
        Assert.EndsWith("Request id: st-1, client request id: client-7.", error.Message);
    }

    [Fact]
    public void NoIdsNoSentence()
    {
        Assert.Null(ServiceFailureText.RequestIdSentence(null, null));
        Assert.Equal("Client request id: c.", ServiceFailureText.RequestIdSentence(null, "c"));
        Assert.Equal("boom", ServiceFailureText.ServiceMessage("boom\nStatus: 500 (x)\nErrorCode: X\n\nHeaders:\nA: b"));
    }
}
