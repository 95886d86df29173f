using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using BatchWords.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>The Shared Key string-to-sign and signature against the fixed vectors of batch-rest-api.md §7.1.</summary>
public class SharedKeySigningTests
{
    private static readonly DateTimeOffset VectorDate = new(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = Convert.FromBase64String(TestBatchClients.Key);

    private static Request NewRequest(RequestMethod method, string url)
    {
        var request = new ScriptedTransport(_ => throw new InvalidOperationException()).CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(url));
        return request;
    }

    [Fact]
    public void Vector1_GetWithFilterAndMaxResults()
    {
        var request = NewRequest(RequestMethod.Get,
            "https://myaccount.eastus.batch.azure.com/jobs/job-1/tasks?api-version=2025-06-01.21.0&maxresults=100&%24filter=state%20eq%20%27completed%27");

        var signed = BatchSharedKeyPolicy.Sign(request, VectorDate, "myaccount", Key);

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nocp-date:Tue, 01 Jul 2025 12:00:00 GMT\n/myaccount/jobs/job-1/tasks\n$filter:state eq 'completed'\napi-version:2025-06-01.21.0\nmaxresults:100",
            signed.StringToSign);
        Assert.Equal("Le9kgZX2nVjhwrRavCAKLvZkdHXxABSt+dg9h9SRyco=", signed.Signature);
        Assert.True(request.Headers.TryGetValue("Authorization", out var authorization));
        Assert.Equal("SharedKey myaccount:Le9kgZX2nVjhwrRavCAKLvZkdHXxABSt+dg9h9SRyco=", authorization);
        Assert.True(request.Headers.TryGetValue("ocp-date", out var date));
        Assert.Equal("Tue, 01 Jul 2025 12:00:00 GMT", date);
    }

    [Fact]
    public void Vector2_PostWithJsonBody()
    {
        var request = NewRequest(RequestMethod.Post, "https://myaccount.eastus.batch.azure.com/jobs/job-1/tasks?api-version=2025-06-01.21.0");
        request.Headers.SetValue("Content-Type", "application/json; odata=minimalmetadata");
        var body = Encoding.UTF8.GetBytes("{\"id\":\"task-1\",\"commandLine\":\"/bin/sh -c 'echo hi'\"}");
        Assert.Equal(52, body.Length);
        request.Content = RequestContent.Create(body);

        var signed = BatchSharedKeyPolicy.Sign(request, VectorDate, "myaccount", Key);

        Assert.Equal(
            "POST\n\n\n52\n\napplication/json; odata=minimalmetadata\n\n\n\n\n\n\nocp-date:Tue, 01 Jul 2025 12:00:00 GMT\n/myaccount/jobs/job-1/tasks\napi-version:2025-06-01.21.0",
            signed.StringToSign);
        Assert.Equal("bCJegTYY339LZhHqWFUppSf2lm9L+XuBAuFBdISp7+A=", signed.Signature);
    }

    [Fact]
    public void Vector3_BodylessPostSignsAnEmptyContentLengthLine()
    {
        var request = NewRequest(RequestMethod.Post,
            "https://myaccount.eastus.batch.azure.com/jobs/job-1/tasks/task-1/terminate?api-version=2025-06-01.21.0");

        var signed = BatchSharedKeyPolicy.Sign(request, VectorDate, "myaccount", Key);

        Assert.StartsWith("POST\n\n\n\n", signed.StringToSign);
        Assert.Equal("U+d9y+RAQpflnX0O+fiP0NDCn5/KdokRx/THNp4gUT0=", signed.Signature);
        Assert.NotEqual("DcokKEPn27y6CxrMyz5P9ci9KG+vPJiKMv3ed/1XgkA=", signed.Signature); // the "0" variant
    }

    [Fact]
    public void OcpHeadersAreSignedLowercasedAndSortedOthersAreNot()
    {
        var request = NewRequest(RequestMethod.Get,
            "http://127.0.0.1:5123/jobs/j/tasks/t/files/wd%2Fout.txt?api-version=2025-06-01.21.0&B=2&a=1&a=0");
        request.Headers.SetValue("OCP-Range", "  bytes=0-9 ");
        request.Headers.SetValue("client-request-id", "6f7b1c1e-0000-0000-0000-000000000000");
        request.Headers.SetValue("x-ms-client-request-id", "ignored");

        var signed = BatchSharedKeyPolicy.Sign(request, VectorDate, "myaccount", Key);

        Assert.EndsWith(
            "ocp-date:Tue, 01 Jul 2025 12:00:00 GMT\nocp-range:bytes=0-9\n/myaccount/jobs/j/tasks/t/files/wd%2Fout.txt\nb:2\na:1,0\napi-version:2025-06-01.21.0",
            signed.StringToSign);
        Assert.DoesNotContain("client-request-id", signed.StringToSign);
    }

    [Fact]
    public async Task PipelineSignsEveryRequestWithAVerifiableSignatureAndRequestIds()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200, """{"id":"p1"}"""));
        var client = TestBatchClients.Create(transport);

        await client.GetPoolAsync("p1");

        var request = Assert.Single(transport.Requests);
        var date = request.Header("ocp-date");
        Assert.NotNull(date);
        Assert.True(DateTimeOffset.TryParse(date, out var parsed));
        Assert.InRange(parsed, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));

        // Recompute the signature independently of the policy, from what was actually sent.
        var stringToSign = $"GET\n\n\n\n\n\n\n\n\n\n\n\nocp-date:{date}\n/myaccount/pools/p1\napi-version:2025-06-01.21.0";
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(stringToSign)));
        Assert.Equal($"SharedKey myaccount:{expected}", request.Header("Authorization"));

        Assert.True(Guid.TryParse(request.Header("client-request-id"), out _));
        Assert.Equal(request.ClientRequestId, request.Header("client-request-id"));
        Assert.Equal("true", request.Header("return-client-request-id"));
        Assert.Equal("2025-06-01.21.0", request.Query["api-version"]);
    }

    [Fact]
    public void AKeyThatIsNotBase64IsRejectedWithoutEchoingIt()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new BatchClient(TestBatchClients.Endpoint, new Azure.AzureNamedKeyCredential("acct", "not base64 secret!!")));
        Assert.DoesNotContain("not base64 secret", error.Message);
    }
}
