using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.Durability;

/// <summary>
/// One line of the state journal: exactly one of a pool (with its nodes), a job or a task as it is now, or the
/// removal of one. Every entity carries its sequence number, which no other pool, job or task ever has, so a
/// removal, or a task's link to its job, can never hit a later entity that reused the id.
/// </summary>
internal sealed record JournalLine
{
    public PoolRecord? Pool { get; init; }
    public JobRecord? Job { get; init; }
    public TaskRecord? Task { get; init; }
    public RemovedRecord? RemovedPool { get; init; }
    public RemovedRecord? RemovedJob { get; init; }
    public RemovedRecord? RemovedTask { get; init; }
}

/// <summary>A removed entity: its id (and its job's id for a task) and the sequence of the one removed.</summary>
internal sealed record RemovedRecord
{
    public required string Id { get; init; }
    public string? JobId { get; init; }
    public long Sequence { get; init; }
}

/// <summary>What pools, jobs and tasks share: ETag, lastModified, state and the previous state.</summary>
internal sealed record VersionRecord
{
    public required string ETag { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public required string State { get; init; }
    public DateTimeOffset StateTransitionTime { get; init; }
    public string? PreviousState { get; init; }
    public DateTimeOffset? PreviousStateTransitionTime { get; init; }
}

internal sealed record PoolRecord
{
    public required PoolCreateRequest Spec { get; init; }
    public long Sequence { get; init; }
    public DateTimeOffset CreationTime { get; init; }
    public required VersionRecord Version { get; init; }
    public required string AllocationState { get; init; }
    public DateTimeOffset AllocationStateTransitionTime { get; init; }
    public int TargetDedicatedNodes { get; init; }
    public int TargetLowPriorityNodes { get; init; }
    public TimeSpan ResizeTimeout { get; init; }
    public int NextNodeIndex { get; init; }
    public required IReadOnlyList<NodeRecord> Nodes { get; init; }
}

internal sealed record NodeRecord
{
    public required string Id { get; init; }
    public int Index { get; init; }
    public bool IsDedicated { get; init; }
    public required string State { get; init; }
    public DateTimeOffset StateTransitionTime { get; init; }
    public DateTimeOffset AllocationTime { get; init; }
    public DateTimeOffset? LastBootTime { get; init; }
    public required string SchedulingState { get; init; }
    public bool IsLeaving { get; init; }
    public bool StartTaskAllowsTasks { get; init; }
    public int TotalTasksRun { get; init; }
    public int TotalTasksSucceeded { get; init; }
    public string? StartTaskState { get; init; }
    public DateTimeOffset? StartTaskStartTime { get; init; }
    public DateTimeOffset? StartTaskEndTime { get; init; }
    public int? StartTaskExitCode { get; init; }
    public FailureInfo? StartTaskFailure { get; init; }
    public int StartTaskRetryCount { get; init; }
    public DateTimeOffset? StartTaskLastRetryTime { get; init; }
    public string? StartTaskResult { get; init; }
}

internal sealed record JobRecord
{
    public required JobCreateRequest Spec { get; init; }
    public long Sequence { get; init; }
    public DateTimeOffset CreationTime { get; init; }
    public required VersionRecord Version { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public string? TerminateReason { get; init; }
    public int Priority { get; init; }
    public int MaxParallelTasks { get; init; }
    public bool AllowTaskPreemption { get; init; }
    public JobConstraints? Constraints { get; init; }
    public required string PoolId { get; init; }
    public required string OnAllTasksComplete { get; init; }
    public IReadOnlyList<NameValue>? Metadata { get; init; }
}

internal sealed record TaskRecord
{
    public required string JobId { get; init; }
    public long JobSequence { get; init; }
    public required TaskCreateRequest Spec { get; init; }
    public long Sequence { get; init; }
    public DateTimeOffset CreationTime { get; init; }
    public required VersionRecord Version { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public int? ExitCode { get; init; }
    public string? Result { get; init; }
    public FailureInfo? Failure { get; init; }
    public int RetryCount { get; init; }
    public DateTimeOffset? LastRetryTime { get; init; }
    public int RequeueCount { get; init; }
    public DateTimeOffset? LastRequeueTime { get; init; }

    /// <summary>The node it last ran on (its files are there), when that node still belongs to the pool.</summary>
    public string? NodePoolId { get; init; }
    public string? NodeId { get; init; }
}
