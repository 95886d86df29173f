namespace BatchWords.Batch;

/// <summary>A compute node of a pool. Treat its id as opaque.</summary>
public sealed class BatchNode
{
    public string? Id { get; init; }
    public string? Url { get; init; }
    public BatchNodeState? State { get; init; }
    public SchedulingState? SchedulingState { get; init; }
    public DateTimeOffset? StateTransitionTime { get; init; }
    public DateTimeOffset? LastBootTime { get; init; }
    public DateTimeOffset? AllocationTime { get; init; }
    public string? IpAddress { get; init; }
    public string? AffinityId { get; init; }
    public string? VmSize { get; init; }
    public bool? IsDedicated { get; init; }
    public int? TotalTasksRun { get; init; }
    public int? TotalTasksSucceeded { get; init; }
    public int? RunningTasksCount { get; init; }
    public int? RunningTaskSlotsCount { get; init; }
    public IReadOnlyList<BatchTaskInfo>? RecentTasks { get; init; }
    public BatchStartTask? StartTask { get; init; }
    public BatchStartTaskInfo? StartTaskInfo { get; init; }
    public IReadOnlyList<BatchNodeError>? Errors { get; init; }
}

/// <summary>A task recently run by a node (BatchNode.recentTasks).</summary>
public sealed class BatchTaskInfo
{
    public string? TaskUrl { get; init; }
    public string? JobId { get; init; }
    public string? TaskId { get; init; }
    public int? SubtaskId { get; init; }
    public BatchTaskState? TaskState { get; init; }
    public BatchTaskExecutionInfo? ExecutionInfo { get; init; }
}

/// <summary>An error a node reports (for example why it is unusable).</summary>
public sealed class BatchNodeError
{
    public string? Code { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<NameValuePair>? ErrorDetails { get; init; }
}
