namespace BatchWords.Batch;

/// <summary>Why a task (or start task) failed: e.g. usererror/FailureExitCode, usererror/TaskEnded.</summary>
public sealed class BatchTaskFailureInfo
{
    public BatchErrorSourceCategory? Category { get; init; }
    public string? Code { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<NameValuePair>? Details { get; init; }
}
