using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Picks the node image from the account's supported images, as the tutorial's
/// select_latest_verified_vm_image_with_node_agent_sku does, but really the latest: among verified Linux
/// images whose publisher and offer match (case-insensitive) and whose sku starts with the given prefix,
/// the highest sku wins.
/// </summary>
internal static class ImageSelector
{
    public static (string Publisher, string Offer, string SkuPrefix) Parse(string image)
    {
        var parts = image.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || parts.Any(string.IsNullOrEmpty))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidImage",
                $"'{image}' is not an image of the form publisher/offer/sku.", image,
                "Pass -Image like 'canonical/0001-com-ubuntu-server-jammy/22_04' (the sku may be a prefix).");
        return (parts[0], parts[1], parts[2]);
    }

    public static async Task<BatchSupportedImage> SelectAsync(BatchClient client, string image, CancellationToken cancellationToken)
    {
        var (publisher, offer, skuPrefix) = Parse(image);
        var candidates = new List<BatchSupportedImage>();
        await foreach (var supported in client.GetSupportedImagesAsync(filter: "verificationType eq 'verified'", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var reference = supported.ImageReference;
            if (reference is null || !string.Equals(supported.OsType?.ToString(), "linux", StringComparison.OrdinalIgnoreCase)) continue;
            if (string.Equals(reference.Publisher, publisher, StringComparison.OrdinalIgnoreCase)
                && string.Equals(reference.Offer, offer, StringComparison.OrdinalIgnoreCase)
                && (reference.Sku ?? "").StartsWith(skuPrefix, StringComparison.OrdinalIgnoreCase))
                candidates.Add(supported);
        }
        if (candidates.Count == 0)
            throw new BwException(BwErrorKind.ObjectNotFound, "NoMatchingImage",
                $"No verified Linux image matches '{image}'.", image,
                "List the account's images (GET /supportedimages) and pass -Image publisher/offer/sku-prefix of one of them.");
        return candidates.OrderByDescending(c => c.ImageReference!.Sku, StringComparer.OrdinalIgnoreCase).First();
    }
}
