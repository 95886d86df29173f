using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.State;

/// <summary>A job: its settings (some changeable by PATCH), its state (§5.4) and its tasks in creation order.</summary>
public sealed class JobState : VersionedEntity
{
    private static readonly IComparer<TaskState> BySequence = Comparer<TaskState>.Create((a, b) => a.Sequence.CompareTo(b.Sequence));

    public JobState(JobCreateRequest spec, long sequence, string eTag, DateTimeOffset now)
        : base(eTag, now, "active")
    {
        Spec = spec;
        Id = spec.Id!;
        Sequence = sequence;
        CreationTime = now;
        Priority = spec.Priority ?? 0;
        MaxParallelTasks = spec.MaxParallelTasks ?? -1;
        AllowTaskPreemption = spec.AllowTaskPreemption ?? false;
        Constraints = spec.Constraints;
        PoolId = spec.PoolInfo!.PoolId!;
        OnAllTasksComplete = spec.OnAllTasksComplete ?? "noaction";
        OnTaskFailure = spec.OnTaskFailure ?? "noaction";
        Metadata = spec.Metadata;
    }

    public string Id { get; }
    public long Sequence { get; }
    public JobCreateRequest Spec { get; }
    public DateTimeOffset CreationTime { get; }
    public DateTimeOffset? EndTime { get; set; }
    public string? TerminateReason { get; set; }

    public int Priority { get; set; }
    public int MaxParallelTasks { get; set; }
    public bool AllowTaskPreemption { get; set; }
    public JobConstraints? Constraints { get; set; }
    public string PoolId { get; set; }
    public string OnAllTasksComplete { get; set; }
    public string OnTaskFailure { get; }
    public IReadOnlyList<NameValue>? Metadata { get; set; }

    public Dictionary<string, TaskState> Tasks { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>All tasks in creation order (the list order and paging key).</summary>
    public List<TaskState> TaskOrder { get; } = new();

    /// <summary>Active tasks waiting for a node, oldest first.</summary>
    public SortedSet<TaskState> Pending { get; } = new(BySequence);

    public int RunningTaskCount { get; set; }

    /// <summary>Task counts by state, maintained by <see cref="AddTask"/>, <see cref="RemoveTask"/> and each task's state changes.</summary>
    public TaskCountTally Counts { get; } = new();

    public int CompletedTaskCount => Counts.CompletedTasks;

    /// <summary>Until when a terminate asked for by a client stays visible as terminating (EmulatorOptions.TransientStateStay).</summary>
    public DateTimeOffset TerminatingUntil { get; set; }

    /// <summary>Set once a later completion of the terminating state is scheduled, so it is scheduled once.</summary>
    public bool CompletionScheduled { get; set; }

    /// <summary>A new or restored task joins the job: the end of the creation order, and the counts.</summary>
    public void AddTask(TaskState task)
    {
        Tasks[task.Id] = task;
        TaskOrder.Add(task);
        task.StartCounting();
    }

    /// <summary>A deleted task leaves the job, its counts and its queue.</summary>
    public void RemoveTask(TaskState task)
    {
        Tasks.Remove(task.Id);
        // Binary search: the creation order is the sequence order.
        var index = TaskOrder.BinarySearch(task, BySequence);
        if (index >= 0) TaskOrder.RemoveAt(index);
        Pending.Remove(task);
        task.StopCounting();
    }

    /// <summary>Cancels the job's maxWallClockTime timer when the job ends first.</summary>
    public CancellationTokenSource? WallClockTimer { get; set; }

    public bool IsActive => State == "active";

    /// <summary>The retry limit for a task that sets none itself (0 = no retries, -1 = unlimited).</summary>
    public int DefaultMaxTaskRetryCount => Constraints?.MaxTaskRetryCount ?? 0;

    public JobResponse ToResponse(string baseUrl) => new()
    {
        Id = Id,
        DisplayName = Spec.DisplayName,
        UsesTaskDependencies = Spec.UsesTaskDependencies ?? false,
        Url = $"{baseUrl}/jobs/{Id}",
        ETag = ETag,
        LastModified = LastModified,
        CreationTime = CreationTime,
        State = State,
        StateTransitionTime = StateTransitionTime,
        PreviousState = PreviousState,
        PreviousStateTransitionTime = PreviousStateTransitionTime,
        Priority = Priority,
        AllowTaskPreemption = AllowTaskPreemption,
        MaxParallelTasks = MaxParallelTasks,
        Constraints = new JobConstraints
        {
            MaxWallClockTime = Constraints?.MaxWallClockTime ?? TimeSpan.MaxValue,
            MaxTaskRetryCount = Constraints?.MaxTaskRetryCount ?? 0,
        },
        PoolInfo = new PoolInfo { PoolId = PoolId },
        OnAllTasksComplete = OnAllTasksComplete,
        OnTaskFailure = OnTaskFailure,
        CommonEnvironmentSettings = Spec.CommonEnvironmentSettings,
        Metadata = Metadata,
        ExecutionInfo = new JobExecutionInfo { StartTime = CreationTime, EndTime = EndTime, PoolId = PoolId, TerminateReason = TerminateReason },
    };
}
