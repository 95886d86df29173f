using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Builds the Batch client for a context: the same BatchClient talks to Azure Batch and to the local
/// emulator, only the endpoint and the credential differ.
/// </summary>
internal static class BatchClientFactory
{
    public static BatchClient Create(BwContext context)
    {
        if (context.BatchEndpoint is null || context.Batch is null)
            throw new BwException(BwErrorKind.InvalidOperation, "NoBatchAccount",
                $"The context ({context.Backend}: storage {context.StorageAccountName}) has no Batch account.", context,
                "Run Connect-BwAccount with no arguments for the Local backend, or with -BatchAccountUrl and -BatchAccountName (plus -BatchAccountKey or -UseEntraId) for Azure Batch.");

        var credential = context.Batch;
        if (credential.Kind == BatchAuthentication.SharedKey)
            return new BatchClient(context.BatchEndpoint, new Azure.AzureNamedKeyCredential(credential.AccountName, credential.AccountKey!));
        // One client per Entra ID context, so its bearer token is fetched once and kept across cmdlets (and refreshed
        // when it nears its end or the service refuses it), as one long-lived Azure SDK client would.
        return credential.SharedTokenClient(() => new BatchClient(context.BatchEndpoint, credential.TokenCredential!));
    }
}
