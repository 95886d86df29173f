using System.Text.Json;

namespace BatchWords.Emulator.Model;

public sealed record JobConstraints
{
    public TimeSpan? MaxWallClockTime { get; init; }
    public int? MaxTaskRetryCount { get; init; }
}

public sealed record PoolInfo
{
    public string? PoolId { get; init; }
    public JsonElement? AutoPoolSpecification { get; init; }
}

/// <summary>POST /jobs (§5.4).</summary>
public sealed record JobCreateRequest
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public bool? UsesTaskDependencies { get; init; }
    public int? Priority { get; init; }
    public bool? AllowTaskPreemption { get; init; }
    public int? MaxParallelTasks { get; init; }
    public JobConstraints? Constraints { get; init; }
    public PoolInfo? PoolInfo { get; init; }
    public string? OnAllTasksComplete { get; init; }
    public string? OnTaskFailure { get; init; }
    public IReadOnlyList<NameValue>? CommonEnvironmentSettings { get; init; }
    public IReadOnlyList<NameValue>? Metadata { get; init; }
    public JsonElement? JobManagerTask { get; init; }
    public JsonElement? JobPreparationTask { get; init; }
    public JsonElement? JobReleaseTask { get; init; }
}

/// <summary>PATCH /jobs/{id}: only what is present changes.</summary>
public sealed record JobUpdateRequest
{
    public int? Priority { get; init; }
    public bool? AllowTaskPreemption { get; init; }
    public int? MaxParallelTasks { get; init; }
    public JobConstraints? Constraints { get; init; }
    public PoolInfo? PoolInfo { get; init; }
    public string? OnAllTasksComplete { get; init; }
    public IReadOnlyList<NameValue>? Metadata { get; init; }
}

public sealed record JobTerminateRequest
{
    public string? TerminateReason { get; init; }
}

/// <summary>A job as returned.</summary>
public sealed record JobResponse
{
    public required string Id { get; init; }
    public string? DisplayName { get; init; }
    public bool UsesTaskDependencies { get; init; }
    public required string Url { get; init; }
    public required string ETag { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public DateTimeOffset CreationTime { get; init; }
    public required string State { get; init; }
    public DateTimeOffset StateTransitionTime { get; init; }
    public string? PreviousState { get; init; }
    public DateTimeOffset? PreviousStateTransitionTime { get; init; }
    public int Priority { get; init; }
    public bool AllowTaskPreemption { get; init; }
    public int MaxParallelTasks { get; init; }
    public JobConstraints? Constraints { get; init; }
    public PoolInfo? PoolInfo { get; init; }
    public required string OnAllTasksComplete { get; init; }
    public required string OnTaskFailure { get; init; }
    public IReadOnlyList<NameValue>? CommonEnvironmentSettings { get; init; }
    public IReadOnlyList<NameValue>? Metadata { get; init; }
    public JobExecutionInfo? ExecutionInfo { get; init; }
}

public sealed record JobExecutionInfo
{
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public string? PoolId { get; init; }
    public string? TerminateReason { get; init; }
}

/// <summary>GET /jobs/{id}/taskcounts.</summary>
public sealed record TaskCountsResponse
{
    public required TaskCounts TaskCounts { get; init; }
    public required TaskCounts TaskSlotCounts { get; init; }
}

public sealed record TaskCounts
{
    public int Active { get; init; }
    public int Running { get; init; }
    public int Completed { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
}
