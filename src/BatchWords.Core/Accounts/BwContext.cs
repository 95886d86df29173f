namespace BatchWords;

/// <summary>
/// The accounts a session works against: one storage account and, optionally, one Batch account.
/// Every public member is free of secrets (it is displayed, logged and serialized by PowerShell); the keys,
/// tokens and credentials live in the internal <see cref="StorageCredential"/> and <see cref="BatchCredential"/>.
/// </summary>
public sealed class BwContext
{
    internal BwContext(BwBackend backend, string storageAccountName, Uri blobEndpoint, StorageCredential storage,
        string? batchAccountName, Uri? batchEndpoint, BatchCredential? batch)
    {
        BackendKind = backend;
        StorageAccountName = storageAccountName;
        BlobEndpoint = blobEndpoint;
        Storage = storage;
        BatchAccountName = batchAccountName;
        BatchEndpoint = batchEndpoint;
        Batch = batch;
    }

    // The enum-valued members are strings (the enum's name) so that ConvertTo-Json writes "Local", not 0;
    // Core keeps the typed values internally.

    /// <summary>Local or Azure (a <see cref="BwBackend"/> name).</summary>
    public string Backend => BackendKind.ToString();

    internal BwBackend BackendKind { get; }
    public string StorageAccountName { get; }

    /// <summary>The blob service root, without any SAS query.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>How storage requests authenticate (a <see cref="BatchWords.StorageAuthentication"/> name).</summary>
    public string StorageAuthentication => Storage.Kind.ToString();
    public string? BatchAccountName { get; }

    /// <summary>The Batch account URL; null when the context has no Batch account (yet).</summary>
    public Uri? BatchEndpoint { get; }

    /// <summary>How Batch requests authenticate (a <see cref="BatchWords.BatchAuthentication"/> name; None without a Batch account).</summary>
    public string BatchAuthentication => (Batch?.Kind ?? BatchWords.BatchAuthentication.None).ToString();

    /// <summary>The storage secrets; builds BlobServiceClients and SAS tokens.</summary>
    internal StorageCredential Storage { get; }

    /// <summary>The Batch secrets (shared key or token credential); null without a Batch account.</summary>
    internal BatchCredential? Batch { get; }

    public override string ToString()
        => BatchEndpoint is null
            ? $"{Backend}: storage {StorageAccountName} ({BlobEndpoint})"
            : $"{Backend}: storage {StorageAccountName} ({BlobEndpoint}), batch {BatchAccountName} ({BatchEndpoint})";
}
