using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace BatchWords.Batch;

/// <summary>
/// Bearer authentication for Batch as Azure.Core's BearerTokenAuthenticationPolicy does it: one cached token,
/// fetched again a few minutes before the credential says it expires, and, when the service still answers 401
/// with a Bearer WWW-Authenticate challenge (a token revoked, or expired earlier than the credential said, as
/// with a clock that runs behind), a new token fetched past the cache and the request sent once more.
/// Azure.Core's own policy answers such a challenge only for CAE claims, and refuses any http endpoint, the local
/// emulator's included; this one sends tokens over http to loopback only, and over https anywhere.
/// </summary>
internal sealed class BatchBearerTokenPolicy : HttpPipelinePolicy
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);
    private readonly TokenCredential _credential;
    private readonly string[] _scopes;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _token;

    public BatchBearerTokenPolicy(TokenCredential credential, string scope)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        _scopes = new[] { scope };
    }

    /// <summary>How many tokens this policy has fetched (tests: a refresh shows as a second one).</summary>
    internal int TokensFetched { get; private set; }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessAsync(message, pipeline, async: true);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessAsync(message, pipeline, async: false).GetAwaiter().GetResult();

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var uri = message.Request.Uri;
        if (uri.Scheme != Uri.UriSchemeHttps && !IsLoopback(uri.Host))
            throw new InvalidOperationException($"Bearer tokens are sent only over https (or http to this machine's loopback), not to {uri.Scheme}://{uri.Host}.");
        var used = await AuthorizeAsync(message, stale: null, async).ConfigureAwait(false);
        if (async) await ProcessNextAsync(message, pipeline).ConfigureAwait(false); else ProcessNext(message, pipeline);
        if (message.Response.Status != 401 || !IsBearerChallenge(message.Response)) return;
        // The service refused a token we thought valid: fetch a new one (unless another request already did) and resend once.
        await AuthorizeAsync(message, stale: used, async).ConfigureAwait(false);
        if (async) await ProcessNextAsync(message, pipeline).ConfigureAwait(false); else ProcessNext(message, pipeline);
    }

    private static bool IsLoopback(string host)
        => host is "localhost" || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    private static bool IsBearerChallenge(Response response)
        => response.Headers.TryGetValue("WWW-Authenticate", out var challenge)
           && challenge.TrimStart().StartsWith("Bearer", StringComparison.OrdinalIgnoreCase);

    private async ValueTask<string> AuthorizeAsync(HttpMessage message, string? stale, bool async)
    {
        string token;
        if (async) await _gate.WaitAsync(message.CancellationToken).ConfigureAwait(false); else _gate.Wait(message.CancellationToken);
        try
        {
            if (_token is not { } cached || cached.ExpiresOn - DateTimeOffset.UtcNow <= RefreshBefore || cached.Token == stale)
            {
                var context = new TokenRequestContext(_scopes, message.Request.ClientRequestId);
                _token = async
                    ? await _credential.GetTokenAsync(context, message.CancellationToken).ConfigureAwait(false)
                    : _credential.GetToken(context, message.CancellationToken);
                TokensFetched++;
            }
            token = _token.Value.Token;
        }
        finally { _gate.Release(); }
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + token);
        return token;
    }
}
