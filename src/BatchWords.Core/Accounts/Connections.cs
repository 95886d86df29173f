using System.Runtime.InteropServices;
using System.Security;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace BatchWords;

/// <summary>Builds <see cref="BwContext"/>s: the Local backend (starting Azurite when needed) or Azure accounts.</summary>
public static class Connections
{
    /// <summary>
    /// Connects to the Local backend: reuses this user's running Azurite and Batch emulator (running on this
    /// user's data folders with the keys in the key files, endpoint answers) or starts them, both at once and
    /// detached so they outlive the session. Both sign with keys of this user's own (0600 files): the well-known
    /// development key of Azurite opens nothing.
    /// </summary>
    public static async Task<BwContext> ConnectLocalAsync(LocalConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stack = new LocalStack(options);
        // Find every program before starting any: with Azurite (or node) missing, the emulator started next to
        // it was left running, detached, with no context ever made to use it.
        LocalStack.LocatePrograms();
        if (options.UseEntraId) return await LocalEntraIdConnection.ConnectAsync(stack, options, cancellationToken).ConfigureAwait(false);
        if (options.Credential is not null)
            throw new BwException(BwErrorKind.InvalidArgument, "CredentialWithoutEntraId",
                "A credential was given for the Local backend without -UseEntraId: the plain local stack signs with its own keys.", null,
                "Add -UseEntraId to rehearse the Entra ID path locally, or leave out -Credential.");
        var storageTask = stack.EnsureStorageInstanceAsync(cancellationToken);
        var batchTask = stack.EnsureBatchAsync(null, cancellationToken);
        try { await Task.WhenAll(storageTask, batchTask).ConfigureAwait(false); }
        catch when (storageTask.IsFaulted || batchTask.IsFaulted)
        {
            // Report the first service that failed (WhenAll would surface only one of them, at random).
            if (storageTask.IsFaulted) await storageTask.ConfigureAwait(false);
            await batchTask.ConfigureAwait(false);
            throw;
        }
        var azurite = storageTask.Result;
        var blobEndpoint = new Uri(azurite.Endpoint.ToString().TrimEnd('/') + "/" + AzuriteService.AccountName);
        var storage = StorageCredential.SharedKey(AzuriteService.AccountName, azurite.AccountKey,
            StorageClientOptionsFactory.ForLocal(stack.StorageDataDirectory));
        var emulator = batchTask.Result;
        return new BwContext(BwBackend.Local, AzuriteService.AccountName, blobEndpoint, storage,
            BatchEmulatorService.AccountName, emulator.Endpoint, BatchCredential.SharedKey(BatchEmulatorService.AccountName, emulator.AccountKey));
    }

    /// <summary>
    /// Builds an Azure context after checking the options (exactly one storage authorization, valid names and
    /// keys). Sends no request: the first cmdlet that uses the context reports a wrong key or a missing account.
    /// </summary>
    public static BwContext ConnectAzure(AzureConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var storageKey = options.StorageAccountKeyText ?? Reveal(options.StorageAccountKey);
        var methods = new List<string>();
        if (storageKey is not null) methods.Add("StorageAccountKey");
        if (!string.IsNullOrEmpty(options.SasToken)) methods.Add("SasToken");
        if (!string.IsNullOrEmpty(options.ConnectionString)) methods.Add("ConnectionString");
        if (options.UseEntraId || options.Credential is not null) methods.Add("UseEntraId");
        if (methods.Count != 1)
            throw new BwException(BwErrorKind.InvalidArgument, "AmbiguousStorageAuthentication",
                methods.Count == 0
                    ? "No way to authorize against the storage account was given."
                    : $"Give exactly one way to authorize against the storage account, not {string.Join(" and ", methods)}.",
                options.StorageAccountName,
                "Use one of -StorageAccountKey, -SasToken, -ConnectionString or -UseEntraId (optionally with -Credential).");

        var clientOptions = StorageClientOptionsFactory.ForAzure();
        StorageCredential storage;
        string accountName;
        Uri blobEndpoint;
        Azure.Core.TokenCredential? token = null;
        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            storage = StorageCredential.ConnectionString(options.ConnectionString, clientOptions);
            BlobServiceClient parsed;
            try { parsed = new BlobServiceClient(options.ConnectionString, clientOptions); }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new BwException(BwErrorKind.InvalidArgument, "InvalidConnectionString",
                    $"The storage connection string is not valid: {e.Message}", options.StorageAccountName,
                    "Copy the connection string again from the Azure portal (Access keys).", e);
            }
            accountName = options.StorageAccountName ?? parsed.AccountName;
            blobEndpoint = StripQuery(parsed.Uri);
        }
        else
        {
            if (string.IsNullOrEmpty(options.StorageAccountName))
                throw new BwException(BwErrorKind.InvalidArgument, "MissingStorageAccountName",
                    "A storage account name is required.", null, "Pass -StorageAccountName.");
            accountName = options.StorageAccountName;
            AccountNameRules.ValidateStorageAccountName(accountName);
            blobEndpoint = options.BlobEndpoint is null ? new Uri($"https://{accountName}.blob.core.windows.net/") : StripQuery(options.BlobEndpoint);
            if (storageKey is not null)
            {
                AccountNameRules.ValidateKey(storageKey, "storage", accountName);
                storage = StorageCredential.SharedKey(accountName, storageKey, clientOptions);
            }
            else if (!string.IsNullOrEmpty(options.SasToken))
            {
                storage = StorageCredential.Sas(options.SasToken, clientOptions);
            }
            else
            {
                token = DiagnosedTokenCredential.Wrap(options.Credential is null ? new DefaultAzureCredential() : TokenCredentialAdapter.From(options.Credential),
                    options.Credential?.GetType().FullName ?? nameof(DefaultAzureCredential));
                storage = StorageCredential.EntraId(token, clientOptions);
            }
        }

        var (batchName, batchEndpoint, batch) = BuildBatch(options, token);
        return new BwContext(BwBackend.Azure, accountName, blobEndpoint, storage, batchName, batchEndpoint, batch);
    }

    private static (string?, Uri?, BatchCredential?) BuildBatch(AzureConnectOptions options, Azure.Core.TokenCredential? storageToken)
    {
        var batchKey = options.BatchAccountKeyText ?? Reveal(options.BatchAccountKey);
        if (options.BatchAccountUrl is null)
        {
            if (batchKey is not null || options.BatchAccountName is not null)
                throw new BwException(BwErrorKind.InvalidArgument, "MissingBatchAccountUrl",
                    "A Batch account name or key was given without the Batch account URL.", options.BatchAccountName,
                    "Add -BatchAccountUrl https://<account>.<region>.batch.azure.com.");
            return (null, null, null);
        }
        var url = options.BatchAccountUrl;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidBatchAccountUrl",
                $"'{url}' is not an http(s) URL.", url, "Use the account URL from the Azure portal, e.g. https://myaccount.westeurope.batch.azure.com.");
        var name = options.BatchAccountName ?? url.Host.Split('.')[0];
        AccountNameRules.ValidateBatchAccountName(name);
        if (batchKey is not null)
        {
            AccountNameRules.ValidateKey(batchKey, "Batch", name);
            return (name, url, BatchCredential.SharedKey(name, batchKey));
        }
        var token = storageToken
            ?? DiagnosedTokenCredential.Wrap(options.Credential is null ? new DefaultAzureCredential() : TokenCredentialAdapter.From(options.Credential),
                options.Credential?.GetType().FullName ?? nameof(DefaultAzureCredential));
        return (name, url, BatchCredential.EntraId(name, token));
    }

    private static Uri StripQuery(Uri uri) => new UriBuilder(uri) { Query = string.Empty }.Uri;

    private static string? Reveal(SecureString? secure)
    {
        if (secure is null) return null;
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try { return Marshal.PtrToStringUni(pointer); }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(pointer); }
    }
}
