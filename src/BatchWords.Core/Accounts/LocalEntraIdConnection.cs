namespace BatchWords;

/// <summary>
/// Connects to the local Entra ID stack (<see cref="LocalConnectOptions.UseEntraId"/>): Azurite on HTTPS with
/// --oauth basic, then the emulator told Azurite's endpoint and certificate; a context whose storage and Batch
/// both authenticate with bearer tokens from one credential (the stack's own minting one unless the user gave
/// theirs), whose SAS URLs are user-delegation SAS, and whose clients trust the loopback certificate for
/// Azurite's endpoint only. No key of either service is ever put in the context.
/// </summary>
internal static class LocalEntraIdConnection
{
    public static async Task<BwContext> ConnectAsync(LocalStack stack, LocalConnectOptions options, CancellationToken cancellationToken)
    {
        // In sequence: the emulator must know the endpoint (port) whose certificate it trusts.
        var azurite = await stack.EnsureStorageInstanceAsync(cancellationToken).ConfigureAwait(false);
        var emulator = await stack.EnsureBatchAsync(azurite.Endpoint, cancellationToken).ConfigureAwait(false);
        var certificate = stack.EnsureCertificate();

        var credential = DiagnosedTokenCredential.Wrap(options.Credential is null
            ? new LocalTokenCredential(Guid.NewGuid().ToString())
            : TokenCredentialAdapter.From(options.Credential),
            options.Credential?.GetType().FullName ?? "the local Entra ID stack's token minter");
        var blobEndpoint = new Uri(azurite.Endpoint.ToString().TrimEnd('/') + "/" + AzuriteService.AccountName);
        var trust = new LoopbackCertificateTrust(azurite.Endpoint, certificate.Thumbprint);
        var storage = StorageCredential.EntraId(credential, StorageClientOptionsFactory.ForLocal(stack.StorageDataDirectory, trust));
        return new BwContext(BwBackend.Local, AzuriteService.AccountName, blobEndpoint, storage,
            BatchEmulatorService.AccountName, emulator.Endpoint, BatchCredential.EntraId(BatchEmulatorService.AccountName, credential));
    }
}
