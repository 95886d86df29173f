using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// The body of POST /pools. Required: id and vmSize (and, in practice, a virtual machine configuration).
/// Named after Azure.Compute.Batch beta.3 (formerly BatchPoolCreateContent).
/// </summary>
public sealed class BatchPoolCreateOptions
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private BatchPoolCreateOptions() { Id = null!; VmSize = null!; }

    public BatchPoolCreateOptions(string id, string vmSize)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        VmSize = vmSize ?? throw new ArgumentNullException(nameof(vmSize));
    }

    public string Id { get; set; }
    public string? DisplayName { get; set; }
    public string VmSize { get; set; }
    public VirtualMachineConfiguration? VirtualMachineConfiguration { get; set; }

    /// <summary>Service default 15 minutes, minimum 5.</summary>
    public TimeSpan? ResizeTimeout { get; set; }

    public int? TargetDedicatedNodes { get; set; }
    public int? TargetLowPriorityNodes { get; set; }
    public bool? EnableAutoScale { get; set; }
    public string? AutoScaleFormula { get; set; }
    public TimeSpan? AutoScaleEvaluationInterval { get; set; }
    public bool? EnableInterNodeCommunication { get; set; }
    public BatchStartTask? StartTask { get; set; }

    /// <summary>Service default 1; at most min(4 × cores, 256).</summary>
    public int? TaskSlotsPerNode { get; set; }

    public BatchTaskSchedulingPolicy? TaskSchedulingPolicy { get; set; }
    public IList<MetadataItem>? Metadata { get; set; }
}
