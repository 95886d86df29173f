namespace BatchWords.Batch;

/// <summary>The 200 response of add-task-collection: one result per task sent, in any order.</summary>
public sealed class BatchCreateTaskCollectionResult
{
    public IReadOnlyList<BatchTaskCreateResult>? Value { get; init; }
}

/// <summary>
/// The outcome of adding one task: success, clienterror (do not resend unchanged) or servererror (safe to
/// resend as is).
/// </summary>
public sealed class BatchTaskCreateResult
{
    public BatchTaskAddStatus Status { get; init; }
    public string? TaskId { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public string? Location { get; init; }
    public BatchError? Error { get; init; }
}
