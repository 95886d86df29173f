namespace BatchWords;

/// <summary>What Resize-BwPool asks for: new targets (null keeps one) and what happens to tasks on removed nodes.</summary>
public sealed class PoolResizeRequest
{
    public required string Id { get; init; }
    public int? DedicatedNodeCount { get; init; }
    public int? SpotNodeCount { get; init; }

    /// <summary>requeue (Batch's default), terminate, taskcompletion or retaineddata; null leaves it to the service.</summary>
    public string? NodeDeallocationOption { get; init; }

    /// <summary>Batch's resizeTimeout (at least 5 minutes; service default 15).</summary>
    public TimeSpan? ResizeTimeout { get; init; }

    public Action<string>? Log { get; init; }
}
