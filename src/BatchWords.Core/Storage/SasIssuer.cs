using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace BatchWords;

/// <summary>
/// Issues the SAS URLs Batch needs (read for inputs, write for outputs) with whatever the context holds:
/// the account key (shared key, key connection string), a user delegation key (Entra ID), or, when the
/// user connected with a SAS token, that token itself (we cannot sign a narrower one without a key).
/// Start times are a few minutes in the past because the nodes' clocks may run behind ours.
/// </summary>
internal sealed class SasIssuer
{
    internal static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    private readonly BlobServiceClient _service;
    private readonly StorageCredential _credential;

    public SasIssuer(BlobServiceClient service, StorageCredential credential)
    {
        _service = service;
        _credential = credential;
    }

    public Task<Uri> BlobReadAsync(BlobClient blob, DateTimeOffset expiresOn, CancellationToken cancellationToken)
    {
        var builder = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = DateTimeOffset.UtcNow - ClockSkewAllowance,
        };
        return SignAsync(blob.Uri, builder, blob.CanGenerateSasUri ? () => blob.GenerateSasUri(builder) : null, cancellationToken);
    }

    /// <summary>Write + create on the container: what Batch output files need, and nothing more (no read, no list).</summary>
    public Task<Uri> ContainerWriteAsync(BlobContainerClient container, DateTimeOffset expiresOn, CancellationToken cancellationToken)
    {
        var builder = new BlobSasBuilder(BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Create, expiresOn)
        {
            BlobContainerName = container.Name,
            Resource = "c",
            StartsOn = DateTimeOffset.UtcNow - ClockSkewAllowance,
        };
        return SignAsync(container.Uri, builder, container.CanGenerateSasUri ? () => container.GenerateSasUri(builder) : null, cancellationToken);
    }

    private async Task<Uri> SignAsync(Uri resource, BlobSasBuilder builder, Func<Uri>? signWithKey, CancellationToken cancellationToken)
    {
        Uri signed;
        if (signWithKey is not null)
        {
            signed = signWithKey();
        }
        else if (_credential.Kind == StorageAuthentication.EntraId)
        {
            var key = await _credential.DelegationKeys.GetAsync(_service, builder.ExpiresOn, cancellationToken).ConfigureAwait(false);
            signed = new BlobUriBuilder(resource) { Sas = builder.ToSasQueryParameters(key, _service.AccountName) }.ToUri();
        }
        else if (_credential.SasToken is { } token)
        {
            signed = new UriBuilder(resource) { Query = token }.Uri;
        }
        else
        {
            throw new BwException(BwErrorKind.InvalidOperation, "CannotIssueSas",
                "The context's storage credential can neither sign a SAS nor provide one.", resource.GetLeftPart(UriPartial.Path),
                "Connect with -StorageAccountKey, a connection string that has an AccountKey, or -UseEntraId.");
        }
        // The signature only, and until the SAS expires: registering whole query strings in a sorted list
        // made each registration cost more than the last (a 100k publish spent minutes here).
        SecretScrubber.RegisterIssuedSas(signed.Query, builder.ExpiresOn);
        return signed;
    }
}
