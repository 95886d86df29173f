using BatchWords.Emulator.Model;
using BatchWords.Emulator.Runtime;

namespace BatchWords.Emulator.State;

/// <summary>A task: its create request, its state (active → running → completed, §5.7) and how it ran.</summary>
public sealed class TaskState : VersionedEntity
{
    public TaskState(JobState job, TaskCreateRequest spec, long sequence, string eTag, DateTimeOffset now)
        : base(eTag, now, "active")
    {
        Job = job;
        Spec = spec;
        Id = spec.Id!;
        Sequence = sequence;
        CreationTime = now;
    }

    public JobState Job { get; }
    public TaskCreateRequest Spec { get; }
    public string Id { get; }
    public long Sequence { get; }
    public DateTimeOffset CreationTime { get; }

    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public int? ExitCode { get; set; }
    public string? Result { get; set; }
    public FailureInfo? Failure { get; set; }
    public int RetryCount { get; set; }
    public DateTimeOffset? LastRetryTime { get; set; }
    public int RequeueCount { get; set; }
    public DateTimeOffset? LastRequeueTime { get; set; }

    /// <summary>The node the task last ran on (nodeInfo, and where its files are).</summary>
    public NodeState? Node { get; set; }

    /// <summary>The attempt in progress, while the task is running.</summary>
    public ProcessRun? Run { get; set; }

    public bool IsDeleted { get; set; }

    public int RequiredSlots => Spec.RequiredSlots ?? 1;

    /// <summary>Retries allowed on a non-zero exit: the task's own constraint, else the job's.</summary>
    public int MaxTaskRetryCount => Spec.Constraints?.MaxTaskRetryCount ?? Job.DefaultMaxTaskRetryCount;

    /// <summary>workitems/{job}/job-1/{task}, relative to the node root (§8.1).</summary>
    public string RelativeDirectory => $"workitems/{Job.Id}/job-1/{Id}";

    /// <summary>Where the task counts in its job's tally; null while it is not (yet, or any more) in the job.</summary>
    private TaskCountBucket? _counted;

    internal void StartCounting()
    {
        _counted = TaskCountTally.BucketOf(State, Result);
        Job.Counts.Add(_counted.Value, RequiredSlots);
    }

    internal void StopCounting()
    {
        if (_counted is { } bucket) Job.Counts.Remove(bucket, RequiredSlots);
        _counted = null;
    }

    /// <summary>
    /// The job keeps its task counts as tasks change state, so taskcounts and "all tasks complete" are not a scan of
    /// every task. The result is set before a task completes, so the new bucket is known here.
    /// </summary>
    protected override void OnStateChanging(string from, string to)
    {
        if (_counted is not { } bucket) return;
        Job.Counts.Remove(bucket, RequiredSlots);
        _counted = TaskCountTally.BucketOf(to, Result);
        Job.Counts.Add(_counted.Value, RequiredSlots);
    }

    public string Url(string baseUrl) => $"{baseUrl}/jobs/{Job.Id}/tasks/{Id}";

    public TaskExecutionInfo ExecutionInfo() => new()
    {
        StartTime = StartTime,
        EndTime = EndTime,
        ExitCode = ExitCode,
        FailureInfo = Failure,
        RetryCount = RetryCount,
        LastRetryTime = LastRetryTime,
        RequeueCount = RequeueCount,
        LastRequeueTime = LastRequeueTime,
        Result = Result,
    };

    public TaskResponse ToResponse(string baseUrl) => new()
    {
        Id = Id,
        DisplayName = Spec.DisplayName,
        Url = Url(baseUrl),
        ETag = ETag,
        CreationTime = CreationTime,
        LastModified = LastModified,
        State = State,
        StateTransitionTime = StateTransitionTime,
        PreviousState = PreviousState,
        PreviousStateTransitionTime = PreviousStateTransitionTime,
        CommandLine = Spec.CommandLine!,
        ResourceFiles = Spec.ResourceFiles,
        OutputFiles = Spec.OutputFiles,
        EnvironmentSettings = Spec.EnvironmentSettings,
        ExitConditions = Spec.ExitConditions,
        Constraints = new TaskConstraints
        {
            MaxWallClockTime = Spec.Constraints?.MaxWallClockTime ?? TimeSpan.MaxValue,
            RetentionTime = Spec.Constraints?.RetentionTime ?? TimeSpan.FromDays(7),
            MaxTaskRetryCount = MaxTaskRetryCount,
        },
        RequiredSlots = RequiredSlots,
        UserIdentity = Spec.UserIdentity ?? new UserIdentity { AutoUser = new AutoUser { Scope = "pool", ElevationLevel = "nonadmin" } },
        ExecutionInfo = ExecutionInfo(),
        NodeInfo = Node is null ? null : new TaskNodeInfo
        {
            AffinityId = Node.AffinityId,
            NodeUrl = Node.Url(baseUrl),
            PoolId = Node.Pool.Id,
            NodeId = Node.Id,
            TaskRootDirectory = RelativeDirectory,
            TaskRootDirectoryUrl = $"{Node.Url(baseUrl)}/files/{RelativeDirectory}",
        },
    };
}
