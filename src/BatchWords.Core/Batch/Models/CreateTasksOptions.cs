namespace BatchWords.Batch;

/// <summary>Tuning for <see cref="BatchClient.CreateTasksAsync"/>; the defaults suit both Azure and the emulator.</summary>
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

    /// <summary>
    /// The gap between calls after the first throttle (429, or 503 server busy, past the pipeline's retries); it
    /// doubles on each further throttle (or becomes the service's Retry-After if longer) and halves on each
    /// success, so it is gone again soon after the service stops throttling.
    /// </summary>
    public TimeSpan ThrottleDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most the gap between calls grows to while the service keeps throttling.</summary>
    public TimeSpan MaxTimeBetweenCalls { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tests: the jitter's random source (0..1) and a hook seeing the gap after each call.</summary>
    internal Func<double>? Random { get; set; }
    internal Action<TimeSpan>? OnThrottleGap { get; set; }

    internal void Validate()
    {
        if (MaxDegreeOfParallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Must be at least 1.");
        if (MaxTaskRetries < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxTaskRetries), MaxTaskRetries, "Must not be negative.");
        if (RetryDelay < TimeSpan.Zero || ThrottleDelay < TimeSpan.Zero || MaxTimeBetweenCalls < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), "Delays must not be negative.");
    }
}
