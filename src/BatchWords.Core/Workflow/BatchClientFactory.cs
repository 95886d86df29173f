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
        return credential.Kind == BatchAuthentication.SharedKey
            ? new BatchClient(context.BatchEndpoint, new Azure.AzureNamedKeyCredential(credential.AccountName, credential.AccountKey!))
            : new BatchClient(context.BatchEndpoint, credential.TokenCredential!);
    }
}
