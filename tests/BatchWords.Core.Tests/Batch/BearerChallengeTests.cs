using Azure.Core;
using BatchWords.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// The Batch client's bearer authentication (BatchBearerTokenPolicy): a token kept while the credential says it is
/// valid, a 401 Bearer challenge answered with a new token and one more try, and no token sent in clear to a host
/// that is not this machine.
/// </summary>
public class BearerChallengeTests
{
    private const string Challenge = "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", resource=\"https://batch.core.windows.net/\"";

    [Fact]
    public async Task A_refused_token_is_replaced_and_the_request_sent_again()
    {
        var credential = new CountingCredential();
        var transport = ScriptedTransport.Queue(
            ScriptedResponse.Json(200, """{"id":"p"}"""),
            ScriptedResponse.BatchError(401, "AuthenticationFailed").WithHeader("WWW-Authenticate", Challenge),
            ScriptedResponse.Json(200, """{"id":"p"}"""));
        var client = new BatchClient(TestBatchClients.Endpoint, credential, new BatchClientOptions { Transport = transport });

        await client.GetPoolAsync("p");
        await client.GetPoolAsync("p");

        var sent = transport.Requests.Select(r => r.Header("Authorization")).ToList();
        Assert.Equal(new[] { "Bearer token-1", "Bearer token-1", "Bearer token-2" }, sent);
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task A_401_without_a_bearer_challenge_is_not_retried()
    {
        var credential = new CountingCredential();
        var transport = ScriptedTransport.Queue(ScriptedResponse.BatchError(401, "AuthenticationFailed"));
        var client = new BatchClient(TestBatchClients.Endpoint, credential, new BatchClientOptions { Transport = transport });

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => client.GetPoolAsync("p"));

        Assert.Equal(401, error.Status);
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task A_token_is_never_sent_over_http_to_another_host()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200, """{"id":"p"}"""));
        var client = new BatchClient(new Uri("http://batch.example.com"), new CountingCredential(), new BatchClientOptions { Transport = transport });

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetPoolAsync("p"));
        Assert.Empty(transport.Requests);
    }

    private sealed class CountingCredential : TokenCredential
    {
        private int _calls;
        public int Calls => _calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new($"token-{Interlocked.Increment(ref _calls)}", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
