namespace BatchWords;

/// <summary>
/// One -Timeout shared by every job Wait-BwTask waits on in one invocation, so 'Get-BwJob | Wait-BwTask -Timeout
/// 00:10:00' gives up after ten minutes in all, not ten minutes per job. The first job gets the timeout as given (its
/// WaitTimedOut message names -Timeout as the user wrote it); each later job gets what is left, rounded up to the
/// millisecond, and at least one millisecond once nothing is left: its waiter then polls once, so its tasks that
/// already completed are still reported before its own WaitTimedOut.
/// </summary>
public sealed class WaitTimeoutBudget
{
    /// <summary>A later job's timeout once the budget is spent: enough for the one poll that reports what completed.</summary>
    public static readonly TimeSpan SpentJobTimeout = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time;
    private readonly long _started;

    /// <summary>Starts the clock now.</summary>
    public WaitTimeoutBudget(TimeSpan timeout) : this(timeout, TimeProvider.System) { }

    /// <summary>Starts the clock now on <paramref name="time"/> (tests move it by hand).</summary>
    internal WaitTimeoutBudget(TimeSpan timeout, TimeProvider time)
    {
        if (FindViolation(timeout) is { } invalid) throw invalid;
        Timeout = timeout;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>The InvalidTimeout error for a timeout that is zero or negative, else null.</summary>
    public static BwException? FindViolation(TimeSpan timeout) => timeout > TimeSpan.Zero ? null
        : new BwException(BwErrorKind.InvalidArgument, BwErrorIds.InvalidTimeout, $"A timeout of {timeout} is not allowed.", timeout, "Pass a positive -Timeout such as 00:20:00.");

    /// <summary>The whole budget, as given.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Time since the budget started.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>
    /// The timeout for the <paramref name="jobNumber"/>-th job waited on (1 for the first): the whole timeout for the
    /// first, what is left (rounded up to the millisecond, at least <see cref="SpentJobTimeout"/>) for the others.
    /// </summary>
    public TimeSpan TimeoutForJob(int jobNumber)
    {
        if (jobNumber <= 1) return Timeout;
        var left = TimeSpan.FromMilliseconds(Math.Ceiling((Timeout - Elapsed).TotalMilliseconds));
        return left > TimeSpan.Zero ? left : SpentJobTimeout;
    }

    /// <summary>Whole seconds left at <paramref name="elapsed"/> (cut, never negative), for Write-Progress's SecondsRemaining.</summary>
    public int SecondsRemainingAt(TimeSpan elapsed) => WaitProgressText.SecondsLeft(elapsed, Timeout);
}
