namespace BatchWords.Batch;

/// <summary>Tuning for <see cref="BatchClient.CreateTasks"/>; the defaults suit both Azure and the emulator.</summary>
public sealed class CreateTasksOptions
{
    /// <summary>
    /// How many add-task-collection calls may be in flight at once (Azure.Compute.Batch defaults to 1; several
    /// in flight is what makes thousands of tasks quick to add).
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = 4;

    /// <summary>How many times a task that got a servererror (or no result at all) is resent before it is reported failed.</summary>
    public int MaxTaskRetries { get; set; } = 3;

    /// <summary>First wait before resending tasks that got a servererror; doubles on each further attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Added to the gap between calls each time the service throttles (as the SDK's TasksWorkflowManager does).</summary>
    public TimeSpan ThrottleDelayIncrement { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most the gap between calls grows to while the service keeps throttling.</summary>
    public TimeSpan MaxTimeBetweenCalls { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (MaxDegreeOfParallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Must be at least 1.");
        if (MaxTaskRetries < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxTaskRetries), MaxTaskRetries, "Must not be negative.");
        if (RetryDelay < TimeSpan.Zero || ThrottleDelayIncrement < TimeSpan.Zero || MaxTimeBetweenCalls < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), "Delays must not be negative.");
    }
}
