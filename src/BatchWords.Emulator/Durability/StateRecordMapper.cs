using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Durability;

/// <summary>Pools, jobs and tasks to journal records and back (under the state lock).</summary>
internal static class StateRecordMapper
{
    public static PoolRecord ToRecord(PoolState pool) => new()
    {
        Spec = pool.Spec,
        Sequence = pool.Sequence,
        CreationTime = pool.CreationTime,
        Version = pool.ToVersionRecord(),
        AllocationState = pool.AllocationState,
        AllocationStateTransitionTime = pool.AllocationStateTransitionTime,
        TargetDedicatedNodes = pool.TargetDedicatedNodes,
        TargetLowPriorityNodes = pool.TargetLowPriorityNodes,
        ResizeTimeout = pool.ResizeTimeout,
        NextNodeIndex = pool.NextNodeIndex,
        Nodes = pool.Nodes.Select(ToRecord).ToList(),
    };

    private static NodeRecord ToRecord(NodeState node) => new()
    {
        Id = node.Id,
        Index = node.Index,
        IsDedicated = node.IsDedicated,
        State = node.State,
        StateTransitionTime = node.StateTransitionTime,
        AllocationTime = node.AllocationTime,
        LastBootTime = node.LastBootTime,
        SchedulingState = node.SchedulingState,
        IsLeaving = node.IsLeaving,
        StartTaskAllowsTasks = node.StartTaskAllowsTasks,
        TotalTasksRun = node.TotalTasksRun,
        TotalTasksSucceeded = node.TotalTasksSucceeded,
        StartTaskState = node.StartTaskState,
        StartTaskStartTime = node.StartTaskStartTime,
        StartTaskEndTime = node.StartTaskEndTime,
        StartTaskExitCode = node.StartTaskExitCode,
        StartTaskFailure = node.StartTaskFailure,
        StartTaskRetryCount = node.StartTaskRetryCount,
        StartTaskLastRetryTime = node.StartTaskLastRetryTime,
        StartTaskResult = node.StartTaskResult,
    };

    public static JobRecord ToRecord(JobState job) => new()
    {
        Spec = job.Spec,
        Sequence = job.Sequence,
        CreationTime = job.CreationTime,
        Version = job.ToVersionRecord(),
        EndTime = job.EndTime,
        TerminateReason = job.TerminateReason,
        Priority = job.Priority,
        MaxParallelTasks = job.MaxParallelTasks,
        AllowTaskPreemption = job.AllowTaskPreemption,
        Constraints = job.Constraints,
        PoolId = job.PoolId,
        OnAllTasksComplete = job.OnAllTasksComplete,
        Metadata = job.Metadata,
    };

    public static TaskRecord ToRecord(TaskState task) => new()
    {
        JobId = task.Job.Id,
        JobSequence = task.Job.Sequence,
        Spec = task.Spec,
        Sequence = task.Sequence,
        CreationTime = task.CreationTime,
        Version = task.ToVersionRecord(),
        StartTime = task.StartTime,
        EndTime = task.EndTime,
        ExitCode = task.ExitCode,
        Result = task.Result,
        Failure = task.Failure,
        RetryCount = task.RetryCount,
        LastRetryTime = task.LastRetryTime,
        RequeueCount = task.RequeueCount,
        LastRequeueTime = task.LastRequeueTime,
        NodePoolId = task.Node is { IsRemoved: false } node ? node.Pool.Id : null,
        NodeId = task.Node is { IsRemoved: false } ? task.Node.Id : null,
    };

    public static PoolState ToPool(PoolRecord record, EmulatorState state)
    {
        var pool = new PoolState(record.Spec, record.Sequence, record.Version.ETag, record.CreationTime, Path.Combine(state.PoolsDirectory, record.Spec.Id!))
        {
            AllocationState = record.AllocationState,
            AllocationStateTransitionTime = record.AllocationStateTransitionTime,
            TargetDedicatedNodes = record.TargetDedicatedNodes,
            TargetLowPriorityNodes = record.TargetLowPriorityNodes,
            ResizeTimeout = record.ResizeTimeout,
            NextNodeIndex = record.NextNodeIndex,
        };
        pool.RestoreVersion(record.Version);
        foreach (var n in record.Nodes)
        {
            var node = new NodeState(pool, n.Id, n.Index, n.IsDedicated, Path.Combine(pool.Directory, n.Id), n.AllocationTime)
            {
                LastBootTime = n.LastBootTime,
                SchedulingState = n.SchedulingState,
                IsLeaving = n.IsLeaving,
                IsProvisioning = false,
                StartTaskAllowsTasks = n.StartTaskAllowsTasks,
                TotalTasksRun = n.TotalTasksRun,
                TotalTasksSucceeded = n.TotalTasksSucceeded,
                StartTaskState = n.StartTaskState,
                StartTaskStartTime = n.StartTaskStartTime,
                StartTaskEndTime = n.StartTaskEndTime,
                StartTaskExitCode = n.StartTaskExitCode,
                StartTaskFailure = n.StartTaskFailure,
                StartTaskRetryCount = n.StartTaskRetryCount,
                StartTaskLastRetryTime = n.StartTaskLastRetryTime,
                StartTaskResult = n.StartTaskResult,
            };
            node.RestoreState(n.State, n.StateTransitionTime);
            pool.Nodes.Add(node);
        }
        return pool;
    }

    public static JobState ToJob(JobRecord record)
    {
        var job = new JobState(record.Spec, record.Sequence, record.Version.ETag, record.CreationTime)
        {
            EndTime = record.EndTime,
            TerminateReason = record.TerminateReason,
            Priority = record.Priority,
            MaxParallelTasks = record.MaxParallelTasks,
            AllowTaskPreemption = record.AllowTaskPreemption,
            Constraints = record.Constraints,
            PoolId = record.PoolId,
            OnAllTasksComplete = record.OnAllTasksComplete,
            Metadata = record.Metadata,
        };
        job.RestoreVersion(record.Version);
        return job;
    }

    public static TaskState ToTask(TaskRecord record, JobState job, EmulatorState state)
    {
        var task = new TaskState(job, record.Spec, record.Sequence, record.Version.ETag, record.CreationTime)
        {
            StartTime = record.StartTime,
            EndTime = record.EndTime,
            ExitCode = record.ExitCode,
            Result = record.Result,
            Failure = record.Failure,
            RetryCount = record.RetryCount,
            LastRetryTime = record.LastRetryTime,
            RequeueCount = record.RequeueCount,
            LastRequeueTime = record.LastRequeueTime,
        };
        task.RestoreVersion(record.Version);
        if (record.NodePoolId is { } poolId && record.NodeId is { } nodeId && state.Pools.TryGetValue(poolId, out var pool))
            task.Node = pool.Nodes.FirstOrDefault(n => string.Equals(n.Id, nodeId, StringComparison.OrdinalIgnoreCase));
        return task;
    }
}
