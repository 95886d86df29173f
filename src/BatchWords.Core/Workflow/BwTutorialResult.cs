namespace BatchWords;

/// <summary>What Invoke-BwTutorial reports per task: its input, its top words and where the output landed.</summary>
public sealed class BwTutorialResult
{
    public required string TaskId { get; init; }
    public required string Input { get; init; }
    public bool Succeeded { get; init; }
    public int? ExitCode { get; init; }

    /// <summary>Times the task was requeued because its node was preempted or removed (it ran again elsewhere).</summary>
    public int RequeueCount { get; init; }
    /// <summary>The words and their counts; exported (Export-Csv) as "to 18; and 17".</summary>
    public IReadOnlyList<WordCount> TopWords { get => _topWords; init => _topWords = new DisplayList<WordCount>(value); }
    private readonly DisplayList<WordCount> _topWords = DisplayList<WordCount>.Empty;

    /// <summary>The downloaded {stem}_OUTPUT{ext} file; null when the task failed.</summary>
    public string? OutputPath { get; init; }

    public override string ToString() => $"{TaskId}: {string.Join(", ", TopWords)}";
}
