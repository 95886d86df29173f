namespace BatchWords.Batch;

/// <summary>GET /jobs/{id}/taskcounts: cheap counts for progress (they may lag behind the task states).</summary>
public sealed class BatchTaskCountsResult
{
    public BatchTaskCounts? TaskCounts { get; init; }
    public BatchTaskSlotCounts? TaskSlotCounts { get; init; }
}

/// <summary>Task counts by state; running includes preparing, completed = succeeded + failed.</summary>
public sealed class BatchTaskCounts
{
    public int Active { get; init; }
    public int Running { get; init; }
    public int Completed { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
}

/// <summary>The same counts weighted by each task's required slots.</summary>
public sealed class BatchTaskSlotCounts
{
    public int Active { get; init; }
    public int Running { get; init; }
    public int Completed { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
}
