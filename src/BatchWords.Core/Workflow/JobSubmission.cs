namespace BatchWords;

/// <summary>What Start-BwJob asks for: a job on a pool and one top-N task per input file.</summary>
public sealed class JobSubmission
{
    public required string JobId { get; init; }
    public required string PoolId { get; init; }
    public required IReadOnlyList<BwInputFile> Inputs { get; init; }

    /// <summary>N of top-N (the tutorial's --numwords 3).</summary>
    public int Top { get; init; } = 3;

    /// <summary>The worker's word rule: tutorial or letters.</summary>
    public string Rule { get; init; } = "tutorial";

    /// <summary>Where each task's {stem}_OUTPUT{ext} is uploaded by the task's output files.</summary>
    public string OutputContainer { get; init; } = "output";

    /// <summary>Task ids are this prefix plus a number (the tutorial's topNtask0, topNtask1, ...).</summary>
    public string TaskIdPrefix { get; init; } = "topNtask";

    /// <summary>How long the output container's write SAS stays valid: tasks still queued then cannot upload.</summary>
    public TimeSpan OutputSasValidity { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Retries of a task that exits non-zero (Batch maxTaskRetryCount).</summary>
    public int MaxTaskRetryCount { get; init; }

    /// <summary>Batch kills a task running longer than this; null for no limit.</summary>
    public TimeSpan? MaxWallClockTime { get; init; }

    /// <summary>Receives one line per step (for -Verbose).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>What Start-BwJob did: the tasks added (or found already added) and the inputs that failed.</summary>
public sealed class JobSubmissionResult
{
    public required IReadOnlyList<BwTask> Tasks { get; init; }
    public required IReadOnlyList<BwException> Failures { get; init; }
    public bool JobCreated { get; init; }
}
