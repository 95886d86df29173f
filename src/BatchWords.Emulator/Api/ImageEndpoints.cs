using BatchWords.Emulator.Model;
using BatchWords.Emulator.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.Api;

/// <summary>
/// GET /supportedimages: a fixed list of verified Linux images. Every node is this machine, so the image only
/// matters for what a client picks; the nodeAgentSKUIds are the real ones.
/// </summary>
public static class ImageEndpoints
{
    private static readonly DateTimeOffset EndOfLife = new(2028, 4, 30, 0, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyList<SupportedImage> Images = new[]
    {
        Ubuntu("0001-com-ubuntu-server-focal", "20_04-lts", "batch.node.ubuntu 20.04", new DateTimeOffset(2025, 4, 30, 0, 0, 0, TimeSpan.Zero)),
        Ubuntu("0001-com-ubuntu-server-jammy", "22_04-lts", "batch.node.ubuntu 22.04", new DateTimeOffset(2027, 4, 30, 0, 0, 0, TimeSpan.Zero)),
        Ubuntu("ubuntu-24_04-lts", "server", "batch.node.ubuntu 24.04", EndOfLife),
        new SupportedImage
        {
            NodeAgentSkuId = "batch.node.debian 12",
            ImageReference = new ImageReference { Publisher = "debian", Offer = "debian-12", Sku = "12", Version = "latest" },
            OsType = "linux", VerificationType = "unverified", Capabilities = new[] { "DockerCompatible" }, BatchSupportEndOfLife = EndOfLife,
        },
    };

    private static SupportedImage Ubuntu(string offer, string sku, string agent, DateTimeOffset endOfLife) => new()
    {
        NodeAgentSkuId = agent,
        ImageReference = new ImageReference { Publisher = "canonical", Offer = offer, Sku = sku, Version = "latest" },
        OsType = "linux",
        VerificationType = "verified",
        Capabilities = new[] { "DockerCompatible" },
        BatchSupportEndOfLife = endOfLife,
    };

    public static void Map(IEndpointRouteBuilder app) =>
        app.Map("/supportedimages", context => context.IsMethod("GET")
            ? ListResponse.WriteAsync(context, "supportedimages", FilterableProperties.SupportedImages,
                Images.Select((image, i) => (Paging.SequenceKey(i), image)))
            : EndpointHelpers.NotAllowed(context));
}
