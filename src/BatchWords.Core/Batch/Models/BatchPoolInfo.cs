namespace BatchWords.Batch;

/// <summary>
/// The pool a job's tasks run on. Only an existing pool (by id) is modelled: auto-pools are not used by BatchWords.
/// </summary>
public sealed class BatchPoolInfo
{
    public string? PoolId { get; set; }
}
