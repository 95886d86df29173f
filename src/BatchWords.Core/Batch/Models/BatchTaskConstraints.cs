namespace BatchWords.Batch;

/// <summary>Limits for one task. Absent values inherit from the job (retry count) or the service defaults.</summary>
public sealed class BatchTaskConstraints
{
    /// <summary>Counted from the task's start; the task is ended (not retried) when it expires.</summary>
    public TimeSpan? MaxWallClockTime { get; set; }

    /// <summary>How long the task directory is kept after completion (service default 7 days).</summary>
    public TimeSpan? RetentionTime { get; set; }

    /// <summary>Retries on a non-zero exit: 3 means up to 4 runs, -1 unlimited.</summary>
    public int? MaxTaskRetryCount { get; set; }
}
