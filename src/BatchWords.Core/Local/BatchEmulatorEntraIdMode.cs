namespace BatchWords;

/// <summary>
/// The Batch emulator as the local Entra ID stack runs it: bearer tokens for the Batch audience
/// (https://batch.core.windows.net/) accepted and checked as the service checks them, Shared Key refused (an
/// account whose allowedAuthenticationModes is AAD only); and the stack's Azurite, on HTTPS with the loopback
/// certificate, trusted by that certificate's thumbprint for exactly its endpoint when nodes download resource
/// files and upload output files.
/// </summary>
internal static class BatchEmulatorEntraIdMode
{
    /// <summary>"EntraId": bearer only. Read by the emulator's Program.</summary>
    internal const string AuthenticationVariable = "BATCHWORDS_EMULATOR_AUTHENTICATION";

    /// <summary>"https://127.0.0.1:port|SHA256HEX": the one endpoint and certificate the nodes trust beyond the platform's roots.</summary>
    internal const string TrustedEndpointVariable = "BATCHWORDS_EMULATOR_TRUSTED_ENDPOINT";

    public static LocalServiceDefinition Apply(LocalServiceDefinition emulator, Uri azuriteEndpoint, LocalCertificate certificate)
    {
        var plain = emulator.Environment;
        var trusted = $"{azuriteEndpoint.GetLeftPart(UriPartial.Authority)}|{certificate.Thumbprint}";
        return emulator with
        {
            Environment = key => new Dictionary<string, string>(plain(key))
            {
                [AuthenticationVariable] = "EntraId",
                [TrustedEndpointVariable] = trusted,
            },
            // Azurite restarted on another port or with another certificate: the emulator must trust the new one.
            Configuration = "entra-id;" + trusted,
        };
    }
}
