using BatchWords.Emulator.Model;
using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Durability;

/// <summary>
/// Rebuilds the state an earlier run left from its journal, then applies what Batch does when the nodes running
/// tasks are lost: a task that was running goes back to active and runs again (requeueCount + 1, not a retry);
/// in a job being terminated it is completed as ended instead. Completed tasks keep their results and files.
/// Nodes whose start task had finished come back as they were (idle, or starttaskfailed); nodes still being set
/// up are set up again, like a reboot. What needs the runtime (starting nodes, removing leftovers, timers) is
/// returned for <see cref="Runtime.EmulatorRuntime.ResumeAfterRestart"/>.
/// </summary>
internal static class StateRestorer
{
    public static RestoredState Restore(EmulatorState state, IReadOnlyList<JournalLine> lines)
    {
        var pools = new Dictionary<string, PoolRecord>(StringComparer.OrdinalIgnoreCase);
        var jobs = new Dictionary<string, JobRecord>(StringComparer.OrdinalIgnoreCase);
        var tasks = new Dictionary<(string Job, string Task), TaskRecord>(new TaskKeyComparer());
        foreach (var line in lines)
        {
            if (line.Pool is { } pool) pools[pool.Spec.Id!] = pool;
            if (line.Job is { } job) jobs[job.Spec.Id!] = job;
            if (line.Task is { } task) tasks[(task.JobId, task.Spec.Id!)] = task;
            if (line.RemovedPool is { } removedPool && pools.TryGetValue(removedPool.Id, out var p) && p.Sequence == removedPool.Sequence)
                pools.Remove(removedPool.Id);
            if (line.RemovedJob is { } removedJob && jobs.TryGetValue(removedJob.Id, out var j) && j.Sequence == removedJob.Sequence)
                jobs.Remove(removedJob.Id);
            if (line.RemovedTask is { JobId: { } jobId } removedTask && tasks.TryGetValue((jobId, removedTask.Id), out var t) && t.Sequence == removedTask.Sequence)
                tasks.Remove((jobId, removedTask.Id));
        }

        var restored = new RestoredState();
        var maxSequence = 0L;
        foreach (var record in pools.Values.OrderBy(p => p.Sequence))
        {
            var pool = StateRecordMapper.ToPool(record, state);
            state.Pools[pool.Id] = pool;
            maxSequence = Math.Max(maxSequence, pool.Sequence);
            foreach (var node in pool.Nodes) RestoreNode(node, restored);
        }
        foreach (var record in jobs.Values.OrderBy(j => j.Sequence))
        {
            var job = StateRecordMapper.ToJob(record);
            state.Jobs[job.Id] = job;
            maxSequence = Math.Max(maxSequence, job.Sequence);
        }
        // A task belongs to the job it was added to: never to a later job that reused the id.
        foreach (var record in tasks.Values.OrderBy(t => t.Sequence))
        {
            if (!state.Jobs.TryGetValue(record.JobId, out var job) || job.Sequence != record.JobSequence) continue;
            var task = StateRecordMapper.ToTask(record, job, state);
            job.AddTask(task);
            maxSequence = Math.Max(maxSequence, task.Sequence);
        }
        state.ContinueSequenceAfter(maxSequence);

        foreach (var job in state.Jobs.Values)
        {
            foreach (var task in job.TaskOrder) RestoreTask(task, state, restored);
            restored.Tasks += job.TaskOrder.Count;
        }
        restored.Pools = state.Pools.Count;
        restored.Jobs = state.Jobs.Count;
        return restored;
    }

    private static void RestoreNode(NodeState node, RestoredState restored)
    {
        if (node.IsLeaving) return; // removed once the runtime resumes
        // A preempted Spot node whose replacement was still pending: it leaves now and the resume replaces it.
        if (node.State == "preempted")
        {
            node.IsLeaving = true;
            return;
        }
        if (node.State is "creating" or "starting" or "waitingforstarttask" || node.StartTaskState == "running")
        {
            // Its setup was cut short: it is set up again from the start, as a rebooted node is.
            node.IsProvisioning = true;
            node.StartTaskAllowsTasks = false;
            node.RestoreState("creating", EmulatorState.Now);
            restored.NodesToStart.Add(node);
        }
        else if (node.State == "running") node.SetState("idle"); // nothing runs on it any more
    }

    private static void RestoreTask(TaskState task, EmulatorState state, RestoredState restored)
    {
        var job = task.Job;
        switch (task.State)
        {
            case "active" when job.IsActive:
                job.Pending.Add(task);
                break;
            case "running" or "preparing" when job.State == "terminating":
                task.EndTime = EmulatorState.Now;
                task.Result = "failure";
                task.Failure = FailureInfos.Create("usererror", "TaskEnded", "The task was ended by user request.");
                task.SetState("completed", state);
                break;
            case "running" or "preparing":
                // Its node was lost with the emulator: back to active, to run again (not counted as a retry).
                if (task.Node is { } node) restored.RequeuedTaskDirectories.Add((task, node));
                task.RequeueCount++;
                task.LastRequeueTime = EmulatorState.Now;
                task.SetState("active", state);
                if (job.IsActive) job.Pending.Add(task);
                restored.RequeuedTasks++;
                break;
        }
    }

    private sealed class TaskKeyComparer : IEqualityComparer<(string Job, string Task)>
    {
        public bool Equals((string Job, string Task) x, (string Job, string Task) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Job, y.Job) && StringComparer.OrdinalIgnoreCase.Equals(x.Task, y.Task);

        public int GetHashCode((string Job, string Task) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Job), StringComparer.OrdinalIgnoreCase.GetHashCode(key.Task));
    }
}

/// <summary>What the restore found, and what the runtime still has to do about it.</summary>
internal sealed class RestoredState
{
    public int Pools { get; set; }
    public int Jobs { get; set; }
    public int Tasks { get; set; }
    public int RequeuedTasks { get; set; }

    /// <summary>Nodes whose setup was cut short: their start task runs again.</summary>
    public HashSet<NodeState> NodesToStart { get; } = new();

    /// <summary>Directories of the attempts that were cut short: cleared before the task runs again.</summary>
    public List<(TaskState Task, NodeState Node)> RequeuedTaskDirectories { get; } = new();
}
