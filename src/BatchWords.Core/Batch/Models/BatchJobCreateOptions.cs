using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// The body of POST /jobs. Required: id and poolInfo. Named after Azure.Compute.Batch beta.3 (formerly
/// BatchJobCreateContent). Create with onAllTasksComplete noaction, add the tasks, then switch it to
/// terminatejob with UpdateJob: a job with zero tasks counts as all-complete.
/// </summary>
public sealed class BatchJobCreateOptions
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private BatchJobCreateOptions() { Id = null!; PoolInfo = null!; }

    public BatchJobCreateOptions(string id, BatchPoolInfo poolInfo)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        PoolInfo = poolInfo ?? throw new ArgumentNullException(nameof(poolInfo));
    }

    public string Id { get; set; }
    public string? DisplayName { get; set; }
    public bool? UsesTaskDependencies { get; set; }

    /// <summary>-1000 to 1000, service default 0.</summary>
    public int? Priority { get; set; }

    public bool? AllowTaskPreemption { get; set; }

    /// <summary>Service default -1 (unlimited); only some accounts may set it (403 otherwise).</summary>
    public int? MaxParallelTasks { get; set; }

    public BatchJobConstraints? Constraints { get; set; }
    public BatchPoolInfo PoolInfo { get; set; }
    public BatchAllTasksCompleteMode? OnAllTasksComplete { get; set; }
    public BatchTaskFailureMode? OnTaskFailure { get; set; }
    public IList<EnvironmentSetting>? CommonEnvironmentSettings { get; set; }
    public IList<MetadataItem>? Metadata { get; set; }
}
