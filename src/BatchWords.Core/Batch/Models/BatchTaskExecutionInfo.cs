namespace BatchWords.Batch;

/// <summary>
/// How a task ran. retryCount and requeueCount are always present (0 for a task that never ran); the end
/// time, exit code, result and failure info appear once the task is completed. Check <see cref="Result"/>,
/// not the exit code: a task can exit 0 and still fail (for example when an output upload fails).
/// </summary>
public sealed class BatchTaskExecutionInfo
{
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public int? ExitCode { get; init; }
    public BatchTaskFailureInfo? FailureInfo { get; init; }
    public int RetryCount { get; init; }
    public DateTimeOffset? LastRetryTime { get; init; }
    public int RequeueCount { get; init; }
    public DateTimeOffset? LastRequeueTime { get; init; }
    public BatchTaskExecutionResult? Result { get; init; }
}
