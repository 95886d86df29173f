namespace BatchWords;

/// <summary>A Batch job with its task counts, as the cmdlets show it.</summary>
public sealed class BwJob : BwResource
{
    public required string Id { get; init; }

    /// <summary>The same value as <see cref="Id"/>, so jobs bind to -JobId by property name.</summary>
    public string JobId => Id;

    public string? State { get; init; }
    public string? PoolId { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public string? TerminateReason { get; init; }
    public int ActiveTasks { get; init; }
    public int RunningTasks { get; init; }
    public int CompletedTasks { get; init; }
    public int SucceededTasks { get; init; }
    public int FailedTasks { get; init; }

    public override string ToString() => Id;
}
