namespace BatchWords.Batch;

/// <summary>A task as the service returns it. With $select, only the selected properties are set.</summary>
public sealed class BatchTask
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public string? Url { get; init; }

    /// <summary>Opaque and unquoted; send it back exactly as received.</summary>
    public string? ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public BatchTaskState? State { get; init; }
    public DateTimeOffset? StateTransitionTime { get; init; }
    public BatchTaskState? PreviousState { get; init; }
    public DateTimeOffset? PreviousStateTransitionTime { get; init; }
    public string? CommandLine { get; init; }
    public IReadOnlyList<ResourceFile>? ResourceFiles { get; init; }
    public IReadOnlyList<OutputFile>? OutputFiles { get; init; }
    public IReadOnlyList<EnvironmentSetting>? EnvironmentSettings { get; init; }
    public BatchTaskConstraints? Constraints { get; init; }
    public int? RequiredSlots { get; init; }
    public UserIdentity? UserIdentity { get; init; }
    public BatchTaskExecutionInfo? ExecutionInfo { get; init; }
    public BatchNodeInfo? NodeInfo { get; init; }
}
