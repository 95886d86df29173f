using System.Text.Json;

namespace BatchWords.Emulator.Model;

/// <summary>POST /pools (§5.1).</summary>
public sealed record PoolCreateRequest
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public string? VmSize { get; init; }
    public VirtualMachineConfiguration? VirtualMachineConfiguration { get; init; }
    public JsonElement? CloudServiceConfiguration { get; init; }
    public TimeSpan? ResizeTimeout { get; init; }
    public int? TargetDedicatedNodes { get; init; }
    public int? TargetLowPriorityNodes { get; init; }
    public bool? EnableAutoScale { get; init; }
    public string? AutoScaleFormula { get; init; }
    public TimeSpan? AutoScaleEvaluationInterval { get; init; }
    public bool? EnableInterNodeCommunication { get; init; }
    public StartTask? StartTask { get; init; }
    public int? TaskSlotsPerNode { get; init; }
    public TaskSchedulingPolicy? TaskSchedulingPolicy { get; init; }
    public IReadOnlyList<NameValue>? Metadata { get; init; }
}

/// <summary>POST /pools/{id}/resize.</summary>
public sealed record PoolResizeRequest
{
    public int? TargetDedicatedNodes { get; init; }
    public int? TargetLowPriorityNodes { get; init; }
    public TimeSpan? ResizeTimeout { get; init; }
    public string? NodeDeallocationOption { get; init; }
}

/// <summary>A pool as returned (§5.2).</summary>
public sealed record PoolResponse
{
    public required string Id { get; init; }
    public string? DisplayName { get; init; }
    public required string Url { get; init; }
    public required string ETag { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public DateTimeOffset CreationTime { get; init; }
    public required string State { get; init; }
    public DateTimeOffset StateTransitionTime { get; init; }
    public required string AllocationState { get; init; }
    public DateTimeOffset AllocationStateTransitionTime { get; init; }
    public string? VmSize { get; init; }
    public VirtualMachineConfiguration? VirtualMachineConfiguration { get; init; }
    public TimeSpan? ResizeTimeout { get; init; }
    public int CurrentDedicatedNodes { get; init; }
    public int CurrentLowPriorityNodes { get; init; }
    public int TargetDedicatedNodes { get; init; }
    public int TargetLowPriorityNodes { get; init; }
    public bool EnableAutoScale { get; init; }
    public string? AutoScaleFormula { get; init; }
    public TimeSpan? AutoScaleEvaluationInterval { get; init; }
    public AutoScale.AutoScaleRun? AutoScaleRun { get; init; }
    public bool EnableInterNodeCommunication { get; init; }
    public StartTask? StartTask { get; init; }
    public int TaskSlotsPerNode { get; init; }
    public TaskSchedulingPolicy? TaskSchedulingPolicy { get; init; }
    public IReadOnlyList<NameValue>? Metadata { get; init; }
    public string CurrentNodeCommunicationMode { get; init; } = "simplified";
}

/// <summary>An entry of GET /supportedimages (§5.3).</summary>
public sealed record SupportedImage
{
    [System.Text.Json.Serialization.JsonPropertyName("nodeAgentSKUId")]
    public required string NodeAgentSkuId { get; init; }

    public required ImageReference ImageReference { get; init; }
    public required string OsType { get; init; }
    public IReadOnlyList<string>? Capabilities { get; init; }
    public DateTimeOffset? BatchSupportEndOfLife { get; init; }
    public required string VerificationType { get; init; }
}

/// <summary>An entry of GET /nodecounts.</summary>
public sealed record PoolNodeCounts
{
    public required string PoolId { get; init; }
    public required NodeCounts Dedicated { get; init; }
    public required NodeCounts LowPriority { get; init; }
}

public sealed record NodeCounts
{
    public int Creating { get; init; }
    public int Idle { get; init; }
    public int Offline { get; init; }
    public int Preempted { get; init; }
    public int Rebooting { get; init; }
    public int Reimaging { get; init; }
    public int Running { get; init; }
    public int Starting { get; init; }
    public int StartTaskFailed { get; init; }
    public int LeavingPool { get; init; }
    public int Unknown { get; init; }
    public int Unusable { get; init; }
    public int WaitingForStartTask { get; init; }
    public int Deallocated { get; init; }
    public int Deallocating { get; init; }
    public int UpgradingOS { get; init; }
    public int Total { get; init; }
}
