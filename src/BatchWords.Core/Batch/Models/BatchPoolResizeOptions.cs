namespace BatchWords.Batch;

/// <summary>The body of POST /pools/{id}/resize (allowed only while the pool is steady and not autoscaling).</summary>
public sealed class BatchPoolResizeOptions
{
    public int? TargetDedicatedNodes { get; set; }
    public int? TargetLowPriorityNodes { get; set; }
    public TimeSpan? ResizeTimeout { get; set; }

    /// <summary>What happens to tasks on nodes that are removed (service default requeue).</summary>
    public BatchNodeDeallocationOption? NodeDeallocationOption { get; set; }
}
