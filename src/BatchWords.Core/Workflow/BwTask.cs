namespace BatchWords;

/// <summary>
/// One top-N task: where its input came from, where its output goes, and its state. "completed" is not
/// success: <see cref="Result"/>, <see cref="ExitCode"/> and <see cref="FailureCode"/> say how it ended.
/// Holds no secret (resource file and output container SAS URLs are not kept).
/// </summary>
public sealed class BwTask : BwResource
{
    public required string JobId { get; init; }
    public required string TaskId { get; init; }

    /// <summary>active, preparing, running or completed.</summary>
    public string? State { get; init; }

    /// <summary>success or failure once completed; null before.</summary>
    public string? Result { get; init; }
    public int? ExitCode { get; init; }

    /// <summary>Batch failure code (FailureExitCode, TaskEnded, CommandProgramNotFound, BlobNotFound, ...).</summary>
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }

    /// <summary>True only when the task completed with result success.</summary>
    public bool Succeeded => string.Equals(State, "completed", StringComparison.OrdinalIgnoreCase)
                             && string.Equals(Result, "success", StringComparison.OrdinalIgnoreCase);

    public string? InputContainer { get; init; }
    public string? InputBlobName { get; init; }

    /// <summary>The local file the input was uploaded from, when known (tasks made by Start-BwJob).</summary>
    public string? InputPath { get; init; }

    public string? OutputContainer { get; init; }
    public string? OutputBlobName { get; init; }

    public string? PoolId { get; init; }
    public string? NodeId { get; init; }
    public int RetryCount { get; init; }

    /// <summary>
    /// How often Batch put the task back in the queue because its node left (Spot preemption, a shrinking pool):
    /// not a failure and not a retry; the task ran again from the start on another node.
    /// </summary>
    public int RequeueCount { get; init; }
    public DateTimeOffset? CreationTime { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }

    public override string ToString() => $"{JobId}/{TaskId}";
}
