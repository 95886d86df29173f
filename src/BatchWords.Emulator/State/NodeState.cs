using BatchWords.Emulator.Model;
using BatchWords.Emulator.Runtime;

namespace BatchWords.Emulator.State;

/// <summary>
/// A compute node: a sandbox directory on this machine with the real layout, its state (§8.8), the slots its
/// running tasks occupy, its counters and the outcome of its start task.
/// </summary>
public sealed class NodeState
{
    private const int RecentTaskLimit = 20;

    public NodeState(PoolState pool, string id, int index, bool isDedicated, string rootDirectory, DateTimeOffset now)
    {
        Pool = pool;
        Id = id;
        Index = index;
        IsDedicated = isDedicated;
        RootDirectory = rootDirectory;
        AllocationTime = StateTransitionTime = now;
        IpAddress = $"10.0.{index / 250}.{index % 250 + 4}";
    }

    public PoolState Pool { get; }
    public string Id { get; }
    public int Index { get; }
    public bool IsDedicated { get; }
    public string RootDirectory { get; }
    public string IpAddress { get; }
    public string State { get; private set; } = "creating";
    public DateTimeOffset StateTransitionTime { get; private set; }
    public DateTimeOffset AllocationTime { get; }
    public DateTimeOffset? LastBootTime { get; set; }
    public string SchedulingState { get; set; } = "enabled";

    /// <summary>Set when a resize or pool deletion takes the node away; it accepts no more tasks.</summary>
    public bool IsLeaving { get; set; }

    /// <summary>True while its directories are being created outside the lock: removal waits for that to finish.</summary>
    public bool IsProvisioning { get; set; } = true;

    /// <summary>Set once it has left its pool; its directory is gone or going.</summary>
    public bool IsRemoved { get; set; }

    /// <summary>Whether a finished start task allows tasks (true without a start task or with waitForSuccess false).</summary>
    public bool StartTaskAllowsTasks { get; set; }

    public int RunningSlots { get; set; }
    public HashSet<TaskState> RunningTasks { get; } = new();
    public int TotalTasksRun { get; set; }
    public int TotalTasksSucceeded { get; set; }
    public LinkedList<TaskState> RecentTasks { get; } = new();

    // The start task's outcome (startTaskInfo); null until it first starts.
    public string? StartTaskState { get; set; }
    public DateTimeOffset? StartTaskStartTime { get; set; }
    public DateTimeOffset? StartTaskEndTime { get; set; }
    public int? StartTaskExitCode { get; set; }
    public FailureInfo? StartTaskFailure { get; set; }
    public int StartTaskRetryCount { get; set; }
    public DateTimeOffset? StartTaskLastRetryTime { get; set; }
    public string? StartTaskResult { get; set; }
    public ProcessRun? StartTaskRun { get; set; }

    public int FreeSlots => Pool.TaskSlotsPerNode - RunningSlots;

    /// <summary>Whether the scheduler may place a task here now.</summary>
    public bool AcceptsTasks => (State is "idle" or "running") && SchedulingState == "enabled" && !IsLeaving && !Pool.IsDeleting;

    /// <summary>At start, from the journal: the state as it was, with its original transition time.</summary>
    internal void RestoreState(string state, DateTimeOffset transitionTime)
    {
        State = state;
        StateTransitionTime = transitionTime;
    }

    public void SetState(string state)
    {
        if (State == state) return;
        State = state;
        StateTransitionTime = EmulatorState.Now;
    }

    /// <summary>idle when no task runs, running otherwise; other states (starttaskfailed, leavingpool) are kept.</summary>
    public void RefreshBusyState()
    {
        if (State is "idle" or "running") SetState(RunningTasks.Count > 0 ? "running" : "idle");
    }

    public void RememberTask(TaskState task)
    {
        RecentTasks.Remove(task);
        RecentTasks.AddFirst(task);
        while (RecentTasks.Count > RecentTaskLimit) RecentTasks.RemoveLast();
    }

    public string Url(string baseUrl) => $"{baseUrl}/pools/{Pool.Id}/nodes/{Id}";

    public string AffinityId => "TVM:" + Id;

    public NodeResponse ToResponse(string baseUrl) => new()
    {
        Id = Id,
        Url = Url(baseUrl),
        State = State,
        SchedulingState = SchedulingState,
        StateTransitionTime = StateTransitionTime,
        LastBootTime = LastBootTime,
        AllocationTime = AllocationTime,
        IpAddress = IpAddress,
        AffinityId = AffinityId,
        VmSize = Pool.Spec.VmSize,
        IsDedicated = IsDedicated,
        TotalTasksRun = TotalTasksRun,
        TotalTasksSucceeded = TotalTasksSucceeded,
        RunningTasksCount = RunningTasks.Count,
        RunningTaskSlotsCount = RunningSlots,
        RecentTasks = RecentTasks.Count == 0 ? null : RecentTasks.Select(t => new NodeRecentTask
        {
            TaskUrl = t.Url(baseUrl),
            JobId = t.Job.Id,
            TaskId = t.Id,
            TaskState = t.State,
            ExecutionInfo = t.ExecutionInfo(),
        }).ToList(),
        StartTask = Pool.Spec.StartTask,
        StartTaskInfo = StartTaskState is null ? null : new StartTaskInfo
        {
            State = StartTaskState,
            StartTime = StartTaskStartTime ?? AllocationTime,
            EndTime = StartTaskEndTime,
            ExitCode = StartTaskExitCode,
            FailureInfo = StartTaskFailure,
            RetryCount = StartTaskRetryCount,
            LastRetryTime = StartTaskLastRetryTime,
            Result = StartTaskResult,
        },
        Errors = State == "starttaskfailed"
            ? new[] { new NodeError { Code = "StartTaskFailed", Message = "The start task failed on this node; no tasks will be scheduled on it." } }
            : null,
        NodeAgentInfo = new NodeAgentInfo { Version = "batchwords-emulator", LastUpdateTime = AllocationTime },
    };
}
