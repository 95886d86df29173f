using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace BatchWords;

/// <summary>
/// The secret half of a context's storage account: exactly one of a shared key, a SAS token, a connection
/// string or an Entra ID token credential, plus the client options for the backend. Internal so neither the
/// secrets nor an Azure type reach the public surface (the cmdlet assembly must not bind to Azure.Core).
/// </summary>
internal sealed class StorageCredential
{
    private readonly StorageSharedKeyCredential? _sharedKey;
    private readonly AzureSasCredential? _sas;
    private readonly string? _connectionString;
    private readonly BlobClientOptions _options;

    private StorageCredential(StorageAuthentication kind, BlobClientOptions options, StorageSharedKeyCredential? sharedKey,
        AzureSasCredential? sas, string? connectionString, TokenCredential? token)
    {
        Kind = kind;
        _options = options;
        _sharedKey = sharedKey;
        _sas = sas;
        _connectionString = connectionString;
        TokenCredential = token;
    }

    public StorageAuthentication Kind { get; }

    /// <summary>The user-delegation key of an Entra ID context, shared by every SAS it signs (see <see cref="UserDelegationKeyCache"/>).</summary>
    public UserDelegationKeyCache DelegationKeys { get; } = new();

    /// <summary>Entra ID credential, set only for <see cref="StorageAuthentication.EntraId"/> (user delegation SAS).</summary>
    public TokenCredential? TokenCredential { get; }

    /// <summary>
    /// The SAS token the user connected with (no leading '?'), from -SasToken or a connection string's
    /// SharedAccessSignature; null for the other methods.
    /// </summary>
    public string? SasToken => _sas?.Signature ?? ConnectionStringSas();

    private string? ConnectionStringSas()
    {
        if (_connectionString is null) return null;
        foreach (var part in _connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals > 0 && part[..equals].Trim().Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase))
                return part[(equals + 1)..].Trim().TrimStart('?');
        }
        return null;
    }

    public static StorageCredential SharedKey(string accountName, string accountKey, BlobClientOptions options)
    {
        SecretScrubber.Register(accountKey);
        return new(StorageAuthentication.SharedKey, options, new StorageSharedKeyCredential(accountName, accountKey), null, null, null);
    }

    public static StorageCredential Sas(string sasToken, BlobClientOptions options)
    {
        var token = sasToken.TrimStart('?');
        SecretScrubber.Register(token);
        return new(StorageAuthentication.SasToken, options, null, new AzureSasCredential(token), null, null);
    }

    public static StorageCredential ConnectionString(string connectionString, BlobClientOptions options)
    {
        SecretScrubber.Register(connectionString);
        return new(StorageAuthentication.ConnectionString, options, null, null, connectionString, null);
    }

    public static StorageCredential EntraId(TokenCredential credential, BlobClientOptions options)
        => new(StorageAuthentication.EntraId, options, null, null, null, credential);

    /// <summary>A client for the blob service at <paramref name="blobEndpoint"/>, authorized with this credential.</summary>
    public BlobServiceClient CreateServiceClient(Uri blobEndpoint) => Kind switch
    {
        StorageAuthentication.SharedKey => new BlobServiceClient(blobEndpoint, _sharedKey!, _options),
        StorageAuthentication.SasToken => new BlobServiceClient(blobEndpoint, _sas!, _options),
        StorageAuthentication.ConnectionString => new BlobServiceClient(_connectionString!, _options),
        StorageAuthentication.EntraId => new BlobServiceClient(blobEndpoint, TokenCredential!, _options),
        _ => throw new InvalidOperationException($"Unknown storage authentication {Kind}."),
    };
}
