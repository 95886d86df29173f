using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>The image and node agent of a pool's virtual machines.</summary>
public sealed class VirtualMachineConfiguration
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private VirtualMachineConfiguration() { ImageReference = null!; NodeAgentSkuId = null!; }

    public VirtualMachineConfiguration(BatchVmImageReference imageReference, string nodeAgentSkuId)
    {
        ImageReference = imageReference ?? throw new ArgumentNullException(nameof(imageReference));
        NodeAgentSkuId = nodeAgentSkuId ?? throw new ArgumentNullException(nameof(nodeAgentSkuId));
    }

    public BatchVmImageReference ImageReference { get; set; }

    /// <summary>e.g. "batch.node.ubuntu 22.04". The wire name has a capital SKU.</summary>
    [JsonPropertyName("nodeAgentSKUId")]
    public string NodeAgentSkuId { get; set; }
}

/// <summary>A Marketplace image (publisher/offer/sku/version) or a Compute Gallery image id.</summary>
public sealed class BatchVmImageReference
{
    public string? Publisher { get; set; }
    public string? Offer { get; set; }
    public string? Sku { get; set; }

    /// <summary>Service default "latest".</summary>
    public string? Version { get; set; }

    public string? VirtualMachineImageId { get; set; }

    /// <summary>Read-only: the version actually used when <see cref="Version"/> was "latest".</summary>
    public string? ExactVersion { get; set; }
}
