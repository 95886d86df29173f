namespace BatchWords;

/// <summary>
/// Wait-BwTask's progress line, short enough for an 80-column terminal: pwsh's minimal progress view gives the
/// activity at most half the width and cuts the status at the end of the bar, so the time left comes first and
/// the counts after it (a long job id is shortened in the activity, never the countdown).
/// </summary>
public static class WaitProgressText
{
    /// <summary>Longest activity text: with the brackets around the bar, it leaves the status 45 columns at 80.</summary>
    public const int MaxActivityLength = 32;

    public static string Activity(string jobId)
    {
        var text = $"Waiting for job {jobId}";
        return text.Length <= MaxActivityLength ? text : text[..(MaxActivityLength - 3)] + "...";
    }

    /// <summary>
    /// "19:58 left, 3/10 done, 1 failed": the countdown first, then what completed and how much of it failed (the
    /// running and waiting counts are Get-BwJob's; a 10,000-task job over a day still fits 80 columns).
    /// </summary>
    public static string Status(WaitProgress progress, TimeSpan elapsed, TimeSpan timeout)
        => $"{TimeLeft(elapsed, timeout)} left, {progress.Completed}/{progress.Total} done, {progress.Failed} failed";

    /// <summary>Whole seconds left (cut, never negative): Write-Progress's SecondsRemaining.</summary>
    public static int SecondsLeft(TimeSpan elapsed, TimeSpan timeout) => (int)Math.Max(0, (timeout - elapsed).TotalSeconds);

    /// <summary>The time left as m:ss, or h:mm:ss from an hour on; never negative.</summary>
    public static string TimeLeft(TimeSpan elapsed, TimeSpan timeout)
    {
        var left = timeout - elapsed;
        if (left < TimeSpan.Zero) left = TimeSpan.Zero;
        left = TimeSpan.FromSeconds(Math.Ceiling(left.TotalSeconds));
        return left.TotalHours >= 1 ? $"{(int)left.TotalHours}:{left:mm\\:ss}" : $"{(int)left.TotalMinutes}:{left:ss}";
    }
}
