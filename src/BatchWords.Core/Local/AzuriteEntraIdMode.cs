namespace BatchWords;

/// <summary>
/// Azurite as the local Entra ID stack runs it: HTTPS on the stack's loopback certificate with --oauth basic
/// (bearer tokens accepted; Azurite checks their aud, iss, nbf and exp but not their signature), and every
/// account-key authorization refused as on a storage account with allowSharedKeyAccess=false.
/// Azurite 3.37 has no switch for that: with --oauth it still accepts Shared Key, account SAS and service SAS
/// signed with the account key (checked by the Entra ID suite). So node preloads a small script
/// (<see cref="RefusalScript"/>) that wraps Azurite's own authenticators: a request they would let in by the
/// account key is answered 403 KeyBasedAuthenticationNotPermitted instead, as Azure Storage answers it.
/// User-delegation SAS (signed with a key from Get User Delegation Key, skoid/sktid in the query) and bearer
/// tokens pass.
/// </summary>
internal static class AzuriteEntraIdMode
{
    internal const string RefusalScriptFileName = "azurite-refuse-shared-key.cjs";

    /// <summary>
    /// Loaded with node --require before Azurite's main.js (process.argv[1]); patches the authenticators' prototypes
    /// before main.js builds them. Fails the start when a file moved (another Azurite version): better than a stack
    /// that quietly accepts shared keys.
    /// </summary>
    internal const string RefusalScript = """
        'use strict';
        // BatchWords local Entra ID stack: refuse account-key authorization (allowSharedKeyAccess=false).
        const path = require('path');
        const blob = path.dirname(process.argv[1]);
        const StorageError = require(path.join(blob, 'errors', 'StorageError.js')).default;
        const refuse = (context) => new StorageError(403, 'KeyBasedAuthenticationNotPermitted',
          'Key based authentication is not permitted on this storage account.', context && context.contextId);
        const wrap = (file, shouldRefuse) => {
          const type = require(path.join(blob, 'authentication', file)).default;
          const validate = type.prototype.validate;
          type.prototype.validate = async function (req, context) {
            const result = await validate.call(this, req, context);
            if (result === true && shouldRefuse(req)) throw refuse(context);
            return result;
          };
        };
        wrap('BlobSharedKeyAuthenticator.js', () => true);
        wrap('AccountSASAuthenticator.js', () => true);
        // A service SAS passes only when it is a user-delegation SAS.
        wrap('BlobSASAuthenticator.js', (req) => !req.getQuery('skoid'));
        """;

    /// <summary>Azurite's definition with HTTPS, --oauth basic and the refusal preloaded; the script is written to <paramref name="stateDirectory"/>.</summary>
    public static LocalServiceDefinition Apply(LocalServiceDefinition azurite, LocalCertificate certificate, string stateDirectory)
    {
        var script = Path.Combine(stateDirectory, RefusalScriptFileName);
        File.WriteAllText(script, RefusalScript);
        var plain = azurite.Arguments;
        return azurite with
        {
            Arguments = dataDirectory => new[] { "--require", script }
                .Concat(plain(dataDirectory))
                .Concat(new[] { "--oauth", "basic", "--cert", certificate.CertificatePath, "--key", certificate.KeyPath })
                .ToList(),
            // A running Azurite serves the certificate it was started with: another one means a restart.
            Configuration = "entra-id;" + certificate.Thumbprint,
            CertificateThumbprint = certificate.Thumbprint,
        };
    }
}
