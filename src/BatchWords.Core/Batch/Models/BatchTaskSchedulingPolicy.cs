using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>How tasks are spread over the nodes of a pool.</summary>
public sealed class BatchTaskSchedulingPolicy
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private BatchTaskSchedulingPolicy() { }

    public BatchTaskSchedulingPolicy(BatchNodeFillType nodeFillType) => NodeFillType = nodeFillType;

    public BatchNodeFillType NodeFillType { get; set; }
}
