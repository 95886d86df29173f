namespace BatchWords;

/// <summary>A compute node as Get-BwNode shows it: its state, Spot or dedicated, its tasks and its start task's result.</summary>
public sealed class BwNode : BwResource
{
    public required string PoolId { get; init; }
    public required string NodeId { get; init; }

    /// <summary>idle, running, starting, waitingforstarttask, starttaskfailed, preempted, leavingpool, unusable, ...</summary>
    public string? State { get; init; }

    /// <summary>True for a Spot (low-priority) node, which Azure may preempt.</summary>
    public bool IsSpot { get; init; }
    public string Priority => IsSpot ? "Spot" : "Dedicated";

    public string? VmSize { get; init; }
    public string? IpAddress { get; init; }
    public int RunningTasks { get; init; }
    public int TotalTasksRun { get; init; }
    public int TotalTasksSucceeded { get; init; }

    /// <summary>The start task's state (running, completed) and result (success, failure), with exit code and failure.</summary>
    public string? StartTaskState { get; init; }
    public string? StartTaskResult { get; init; }
    public int? StartTaskExitCode { get; init; }
    public string? StartTaskFailureCode { get; init; }
    public string? StartTaskFailureMessage { get; init; }
    public int StartTaskRetryCount { get; init; }

    /// <summary>Tasks the node ran lately (job/task ids), newest first.</summary>
    public IReadOnlyList<string> RecentTasks { get; init; } = Array.Empty<string>();

    /// <summary>Errors the node reports (for example StartTaskFailed).</summary>
    public IReadOnlyList<string> Errors { get; init; } = Array.Empty<string>();

    public DateTimeOffset? StateTransitionTime { get; init; }
    public DateTimeOffset? AllocationTime { get; init; }

    public override string ToString() => NodeId;
}
