using Azure.Core;

namespace BatchWords;

/// <summary>
/// The secret half of a context's Batch account: a shared key or a token credential. Internal so no secret
/// and no Azure type leaks through the public surface; the Batch client (src/BatchWords.Core/Batch) reads it.
/// </summary>
internal sealed class BatchCredential
{
    private BatchCredential(BatchAuthentication kind, string accountName, string? accountKey, TokenCredential? token)
    {
        Kind = kind;
        AccountName = accountName;
        AccountKey = accountKey;
        TokenCredential = token;
    }

    public BatchAuthentication Kind { get; }
    public string AccountName { get; }

    /// <summary>Base64 account key (shared key authentication); registered with <see cref="SecretScrubber"/>.</summary>
    public string? AccountKey { get; }

    /// <summary>Entra ID credential (scope https://batch.core.windows.net/.default).</summary>
    public TokenCredential? TokenCredential { get; }

    private BatchWords.Batch.BatchClient? _tokenClient;

    /// <summary>The Entra ID context's one Batch client (made by <paramref name="create"/> on first use), whose token cache every cmdlet shares.</summary>
    internal BatchWords.Batch.BatchClient SharedTokenClient(Func<BatchWords.Batch.BatchClient> create)
    {
        if (_tokenClient is { } existing) return existing;
        Interlocked.CompareExchange(ref _tokenClient, create(), null);
        return _tokenClient;
    }

    public static BatchCredential SharedKey(string accountName, string accountKey)
    {
        SecretScrubber.Register(accountKey);
        return new BatchCredential(BatchAuthentication.SharedKey, accountName, accountKey, null);
    }

    public static BatchCredential EntraId(string accountName, TokenCredential credential)
        => new(BatchAuthentication.EntraId, accountName, null, credential);
}
