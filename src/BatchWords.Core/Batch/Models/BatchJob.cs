namespace BatchWords.Batch;

/// <summary>A job as the service returns it.</summary>
public sealed class BatchJob
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public bool? UsesTaskDependencies { get; init; }
    public string? Url { get; init; }

    /// <summary>Opaque and unquoted; send it back exactly as received.</summary>
    public string? ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public BatchJobState? State { get; init; }
    public DateTimeOffset? StateTransitionTime { get; init; }

    /// <summary>Absent while the job is still in its first state.</summary>
    public BatchJobState? PreviousState { get; init; }

    public DateTimeOffset? PreviousStateTransitionTime { get; init; }
    public int? Priority { get; init; }
    public bool? AllowTaskPreemption { get; init; }
    public int? MaxParallelTasks { get; init; }
    public BatchJobConstraints? Constraints { get; init; }
    public BatchPoolInfo? PoolInfo { get; init; }
    public BatchAllTasksCompleteMode? OnAllTasksComplete { get; init; }
    public BatchTaskFailureMode? OnTaskFailure { get; init; }
    public IReadOnlyList<EnvironmentSetting>? CommonEnvironmentSettings { get; init; }
    public IReadOnlyList<MetadataItem>? Metadata { get; init; }
    public BatchJobExecutionInfo? ExecutionInfo { get; init; }
}

/// <summary>When and where a job ran, and why it ended.</summary>
public sealed class BatchJobExecutionInfo
{
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Set once the job is completed.</summary>
    public DateTimeOffset? EndTime { get; init; }

    public string? PoolId { get; init; }
    public BatchJobSchedulingError? SchedulingError { get; init; }

    /// <summary>UserTerminate, AllTasksComplete, MaxWallClockTimeExpiry, TaskFailed, … or a caller's own string.</summary>
    public string? TerminateReason { get; init; }
}

/// <summary>Why the service could not schedule a job.</summary>
public sealed class BatchJobSchedulingError
{
    public BatchErrorSourceCategory? Category { get; init; }
    public string? Code { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<NameValuePair>? Details { get; init; }
}
