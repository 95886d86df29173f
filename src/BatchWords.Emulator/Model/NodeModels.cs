namespace BatchWords.Emulator.Model;

/// <summary>A compute node as returned (§5.8).</summary>
public sealed record NodeResponse
{
    public required string Id { get; init; }
    public required string Url { get; init; }
    public required string State { get; init; }
    public required string SchedulingState { get; init; }
    public DateTimeOffset StateTransitionTime { get; init; }
    public DateTimeOffset? LastBootTime { get; init; }
    public DateTimeOffset AllocationTime { get; init; }
    public required string IpAddress { get; init; }
    public required string AffinityId { get; init; }
    public string? VmSize { get; init; }
    public bool IsDedicated { get; init; }
    public int TotalTasksRun { get; init; }
    public int TotalTasksSucceeded { get; init; }
    public int RunningTasksCount { get; init; }
    public int RunningTaskSlotsCount { get; init; }
    public IReadOnlyList<NodeRecentTask>? RecentTasks { get; init; }
    public StartTask? StartTask { get; init; }
    public StartTaskInfo? StartTaskInfo { get; init; }
    public IReadOnlyList<NodeError>? Errors { get; init; }
    public NodeAgentInfo? NodeAgentInfo { get; init; }
}

public sealed record NodeRecentTask
{
    public required string TaskUrl { get; init; }
    public required string JobId { get; init; }
    public required string TaskId { get; init; }
    public required string TaskState { get; init; }
    public TaskExecutionInfo? ExecutionInfo { get; init; }
}

public sealed record StartTaskInfo
{
    public required string State { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public int? ExitCode { get; init; }
    public FailureInfo? FailureInfo { get; init; }
    public int RetryCount { get; init; }
    public DateTimeOffset? LastRetryTime { get; init; }
    public string? Result { get; init; }
}

public sealed record NodeError
{
    public string? Code { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<NameValue>? ErrorDetails { get; init; }
}

public sealed record NodeAgentInfo
{
    public required string Version { get; init; }
    public DateTimeOffset LastUpdateTime { get; init; }
}

/// <summary>An entry of a file listing (§5.9); directories have no properties.</summary>
public sealed record NodeFileResponse
{
    public required string Name { get; init; }
    public required string Url { get; init; }
    public bool IsDirectory { get; init; }
    public NodeFileProperties? Properties { get; init; }
}

public sealed record NodeFileProperties
{
    public DateTimeOffset LastModified { get; init; }

    [System.Text.Json.Serialization.JsonConverter(typeof(Int64AsStringConverter))]
    public long ContentLength { get; init; }

    public string ContentType { get; init; } = "application/octet-stream";
    public string? FileMode { get; init; }
}
