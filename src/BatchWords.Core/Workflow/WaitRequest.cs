namespace BatchWords;

/// <summary>What Wait-BwTask waits for: some tasks of a job, or all of them.</summary>
public sealed class WaitRequest
{
    public required string JobId { get; init; }

    /// <summary>The tasks to wait for; null or empty means every task of the job.</summary>
    public IReadOnlyCollection<string>? TaskIds { get; init; }

    /// <summary>Give up after this long (the tutorial's 20 minutes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>First delay between polls; it grows by half each poll up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Receives one line per request made (for -Verbose).</summary>
    public Action<string>? Log { get; init; }
}
