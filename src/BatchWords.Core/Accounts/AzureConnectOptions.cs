using System.Security;

namespace BatchWords;

/// <summary>
/// Options for the Azure backend: one storage account with exactly one way to authorize (shared key, SAS
/// token, connection string or Entra ID) and, optionally, a Batch account.
/// </summary>
public sealed class AzureConnectOptions
{
    /// <summary>Storage account name (3-24 lowercase letters and digits). Optional with a connection string.</summary>
    public string? StorageAccountName { get; set; }

    /// <summary>Storage account key (base64), as a SecureString (what the cmdlet takes).</summary>
    public SecureString? StorageAccountKey { get; set; }

    /// <summary>Storage account key (base64) as plain text, for callers from code.</summary>
    public string? StorageAccountKeyText { get; set; }

    /// <summary>A SAS token for the account (with or without the leading '?').</summary>
    public string? SasToken { get; set; }

    /// <summary>A storage connection string (with an account key or a SAS).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Authorize with Microsoft Entra ID: <see cref="Credential"/>, or DefaultAzureCredential when that is null.</summary>
    public bool UseEntraId { get; set; }

    /// <summary>
    /// An Azure.Core TokenCredential, typed object because the cmdlet assembly cannot name Azure.Core types.
    /// One created by another module's Azure.Core (Az.Accounts) is adapted by reflection. Implies Entra ID.
    /// </summary>
    public object? Credential { get; set; }

    /// <summary>Blob endpoint override (sovereign clouds, private endpoints); default https://{account}.blob.core.windows.net.</summary>
    public Uri? BlobEndpoint { get; set; }

    /// <summary>Batch account URL, e.g. https://myaccount.westeurope.batch.azure.com.</summary>
    public Uri? BatchAccountUrl { get; set; }

    /// <summary>Batch account name; default: the first label of <see cref="BatchAccountUrl"/>'s host.</summary>
    public string? BatchAccountName { get; set; }

    /// <summary>Batch account key (base64). Without it the Batch account uses Entra ID.</summary>
    public SecureString? BatchAccountKey { get; set; }

    /// <summary>Batch account key as plain text, for callers from code.</summary>
    public string? BatchAccountKeyText { get; set; }
}
