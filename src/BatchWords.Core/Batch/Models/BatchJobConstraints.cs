namespace BatchWords.Batch;

/// <summary>Limits for a job: its lifetime and the default retry count of tasks that set none.</summary>
public sealed class BatchJobConstraints
{
    /// <summary>Counted from job creation; on expiry the job terminates with reason MaxWallClockTimeExpiry.</summary>
    public TimeSpan? MaxWallClockTime { get; set; }

    /// <summary>0 = no retries, -1 = unlimited.</summary>
    public int? MaxTaskRetryCount { get; set; }
}
