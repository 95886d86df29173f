namespace BatchWords.Batch;

/// <summary>A pool as the service returns it: the create-time settings echoed back, plus its state.</summary>
public sealed class BatchPool
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public string? Url { get; init; }

    /// <summary>Opaque and unquoted (0x8D…); send it back exactly as received.</summary>
    public string? ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public BatchPoolState? State { get; init; }
    public DateTimeOffset? StateTransitionTime { get; init; }
    public AllocationState? AllocationState { get; init; }
    public DateTimeOffset? AllocationStateTransitionTime { get; init; }
    public string? VmSize { get; init; }
    public VirtualMachineConfiguration? VirtualMachineConfiguration { get; init; }
    public TimeSpan? ResizeTimeout { get; init; }
    public IReadOnlyList<ResizeError>? ResizeErrors { get; init; }
    public int? CurrentDedicatedNodes { get; init; }
    public int? CurrentLowPriorityNodes { get; init; }
    public int? TargetDedicatedNodes { get; init; }
    public int? TargetLowPriorityNodes { get; init; }
    public bool? EnableAutoScale { get; init; }
    public string? AutoScaleFormula { get; init; }
    public TimeSpan? AutoScaleEvaluationInterval { get; init; }
    public AutoScaleRun? AutoScaleRun { get; init; }
    public bool? EnableInterNodeCommunication { get; init; }
    public BatchStartTask? StartTask { get; init; }
    public int? TaskSlotsPerNode { get; init; }
    public BatchTaskSchedulingPolicy? TaskSchedulingPolicy { get; init; }
    public IReadOnlyList<MetadataItem>? Metadata { get; init; }
}

/// <summary>Why the last resize of a pool did not reach its target.</summary>
public sealed class ResizeError
{
    public string? Code { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<NameValuePair>? Values { get; init; }
}
