using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>An image the Batch service supports, with the node agent SKU to pair it with.</summary>
public sealed class BatchSupportedImage
{
    [JsonPropertyName("nodeAgentSKUId")]
    public string? NodeAgentSkuId { get; init; }

    public BatchVmImageReference? ImageReference { get; init; }
    public OSType? OsType { get; init; }
    public IReadOnlyList<string>? Capabilities { get; init; }
    public DateTimeOffset? BatchSupportEndOfLife { get; init; }
    public ImageVerificationType? VerificationType { get; init; }
}
