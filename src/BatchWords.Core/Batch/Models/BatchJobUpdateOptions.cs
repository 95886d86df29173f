namespace BatchWords.Batch;

/// <summary>
/// The body of PATCH /jobs/{id}: only the properties set here change. Lists stay null unless given, because
/// an empty list sent in a PATCH would clear the job's list.
/// </summary>
public sealed class BatchJobUpdateOptions
{
    public int? Priority { get; set; }
    public bool? AllowTaskPreemption { get; set; }
    public int? MaxParallelTasks { get; set; }
    public BatchJobConstraints? Constraints { get; set; }
    public BatchPoolInfo? PoolInfo { get; set; }

    /// <summary>Switching terminatejob back to noaction is rejected by the service (400).</summary>
    public BatchAllTasksCompleteMode? OnAllTasksComplete { get; set; }

    public IList<MetadataItem>? Metadata { get; set; }
}
