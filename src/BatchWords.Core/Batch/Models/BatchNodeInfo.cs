namespace BatchWords.Batch;

/// <summary>Where a task ran: its node and its directory on that node (relative to the node root).</summary>
public sealed class BatchNodeInfo
{
    public string? AffinityId { get; init; }
    public string? NodeUrl { get; init; }
    public string? PoolId { get; init; }
    public string? NodeId { get; init; }
    public string? TaskRootDirectory { get; init; }
    public string? TaskRootDirectoryUrl { get; init; }
}
