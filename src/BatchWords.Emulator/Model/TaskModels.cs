using System.Text.Json;

namespace BatchWords.Emulator.Model;

public sealed record TaskConstraints
{
    public TimeSpan? MaxWallClockTime { get; init; }
    public TimeSpan? RetentionTime { get; init; }
    public int? MaxTaskRetryCount { get; init; }
}

/// <summary>POST /jobs/{id}/tasks, and one element of an add-task-collection (§5.5).</summary>
public sealed record TaskCreateRequest
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public string? CommandLine { get; init; }
    public IReadOnlyList<ResourceFile>? ResourceFiles { get; init; }
    public IReadOnlyList<OutputFile>? OutputFiles { get; init; }
    public IReadOnlyList<NameValue>? EnvironmentSettings { get; init; }
    public TaskConstraints? Constraints { get; init; }
    public int? RequiredSlots { get; init; }
    public UserIdentity? UserIdentity { get; init; }
    public JsonElement? ExitConditions { get; init; }
    public JsonElement? AffinityInfo { get; init; }
    public JsonElement? MultiInstanceSettings { get; init; }
    public JsonElement? DependsOn { get; init; }
    public JsonElement? ApplicationPackageReferences { get; init; }
    public JsonElement? ContainerSettings { get; init; }
}

public sealed record TaskCollectionRequest
{
    public IReadOnlyList<TaskCreateRequest?>? Value { get; init; }
}

/// <summary>One per-task result of add-task-collection (§5.6).</summary>
public sealed record TaskAddResult
{
    public required string Status { get; init; }
    public required string TaskId { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public string? Location { get; init; }
    public TaskAddError? Error { get; init; }
}

public sealed record TaskAddError
{
    public required string Code { get; init; }
    public required TaskAddErrorMessage Message { get; init; }
    public IReadOnlyList<TaskAddErrorDetail>? Values { get; init; }
}

public sealed record TaskAddErrorMessage
{
    public string Lang { get; init; } = "en-US";
    public required string Value { get; init; }
}

public sealed record TaskAddErrorDetail
{
    public required string Key { get; init; }
    public required string Value { get; init; }
}

public sealed record TaskCollectionResponse
{
    public required IReadOnlyList<TaskAddResult> Value { get; init; }
}

/// <summary>A task as returned (§5.7).</summary>
public sealed record TaskResponse
{
    public required string Id { get; init; }
    public string? DisplayName { get; init; }
    public required string Url { get; init; }
    public required string ETag { get; init; }
    public DateTimeOffset CreationTime { get; init; }
    public DateTimeOffset LastModified { get; init; }
    public required string State { get; init; }
    public DateTimeOffset StateTransitionTime { get; init; }
    public string? PreviousState { get; init; }
    public DateTimeOffset? PreviousStateTransitionTime { get; init; }
    public required string CommandLine { get; init; }
    public IReadOnlyList<ResourceFile>? ResourceFiles { get; init; }
    public IReadOnlyList<OutputFile>? OutputFiles { get; init; }
    public IReadOnlyList<NameValue>? EnvironmentSettings { get; init; }
    public JsonElement? ExitConditions { get; init; }
    public TaskConstraints? Constraints { get; init; }
    public int RequiredSlots { get; init; }
    public UserIdentity? UserIdentity { get; init; }
    public required TaskExecutionInfo ExecutionInfo { get; init; }
    public TaskNodeInfo? NodeInfo { get; init; }
}

public sealed record TaskExecutionInfo
{
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public int? ExitCode { get; init; }
    public FailureInfo? FailureInfo { get; init; }
    public int RetryCount { get; init; }
    public DateTimeOffset? LastRetryTime { get; init; }
    public int RequeueCount { get; init; }
    public DateTimeOffset? LastRequeueTime { get; init; }
    public string? Result { get; init; }
}

public sealed record TaskNodeInfo
{
    public required string AffinityId { get; init; }
    public required string NodeUrl { get; init; }
    public required string PoolId { get; init; }
    public required string NodeId { get; init; }
    public required string TaskRootDirectory { get; init; }
    public required string TaskRootDirectoryUrl { get; init; }
}
