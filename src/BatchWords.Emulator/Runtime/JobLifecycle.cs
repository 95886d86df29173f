using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Job state changes (§5.4, §8.6.9): terminate (running tasks are ended, active ones stay active and never run),
/// onAllTasksComplete terminatejob, the job's maxWallClockTime, and deletion (tasks killed, their directories
/// removed from every node, then the job disappears).
/// </summary>
public sealed class JobLifecycle
{
    private readonly EmulatorRuntime _runtime;

    public JobLifecycle(EmulatorRuntime runtime) => _runtime = runtime;

    /// <summary>Under the lock, after any task of the job completed or the job changed.</summary>
    public void AfterTaskFinished(JobState job)
    {
        if (job.State == "terminating" && job.RunningTaskCount == 0) Complete(job);
        else if (job.IsActive && job.OnAllTasksComplete == "terminatejob" && job.CompletedTaskCount == job.Tasks.Count)
            Terminate(job, "AllTasksComplete");
    }

    /// <summary>Under the lock: terminating now, completed once no task of it runs.</summary>
    public void Terminate(JobState job, string reason)
    {
        if (job.State is "terminating" or "completed" or "deleting") return;
        job.TerminateReason = reason;
        job.SetState("terminating", _runtime.State);
        job.WallClockTimer?.Cancel();
        foreach (var task in job.TaskOrder) task.Run?.Stop(StopReason.Terminated);
        if (job.RunningTaskCount == 0) Complete(job);
    }

    private void Complete(JobState job)
    {
        job.EndTime = EmulatorState.Now;
        job.SetState("completed", _runtime.State);
    }

    /// <summary>Under the lock: the job goes to deleting; its tasks are killed, then their files and the job itself go.</summary>
    public void BeginDelete(JobState job)
    {
        job.SetState("deleting", _runtime.State);
        job.WallClockTimer?.Cancel();
        job.Pending.Clear();
        var runs = new List<ProcessRun>();
        foreach (var task in job.TaskOrder)
        {
            task.IsDeleted = true;
            if (task.Run is { } run) { run.Stop(StopReason.Deleted); runs.Add(run); }
        }
        foreach (var node in job.TaskOrder.Select(t => t.Node).OfType<NodeState>().Distinct())
            _runtime.Discard(Path.Combine(node.RootDirectory, "workitems", job.Id));
        // The id stays taken (409 JobBeingDeleted) until every task process is gone.
        _runtime.Background($"deleting job {job.Id}", async () =>
        {
            await Task.WhenAll(runs.Select(r => r.WaitFinishedAsync(TimeSpan.FromSeconds(10)))).ConfigureAwait(false);
            lock (_runtime.State.Gate)
            {
                if (_runtime.State.Jobs.TryGetValue(job.Id, out var current) && current == job) _runtime.State.Jobs.Remove(job.Id);
                _runtime.State.Changed(job);
            }
        });
    }

    /// <summary>Under the lock: deletes one task (killing it first) and its directory.</summary>
    public void DeleteTask(TaskState task)
    {
        var job = task.Job;
        task.IsDeleted = true;
        _runtime.State.Changed(task);
        job.Tasks.Remove(task.Id);
        job.TaskOrder.Remove(task);
        job.Pending.Remove(task);
        if (task.State == "completed") job.CompletedTaskCount--;
        task.Run?.Stop(StopReason.Deleted);
        if (task.Node is { } node) _runtime.Discard(TaskRunner.TaskDirectory(task, node));
        AfterTaskFinished(job);
    }

    /// <summary>Under the lock: (re)arms the job's maxWallClockTime, counted from the job's creation.</summary>
    public void ArmWallClock(JobState job)
    {
        job.WallClockTimer?.Cancel();
        job.WallClockTimer = null;
        if (job.Constraints?.MaxWallClockTime is not { } limit || limit >= TimeSpan.FromDays(3650)) return;
        var remaining = job.CreationTime + limit - EmulatorState.Now;
        var timer = new CancellationTokenSource();
        job.WallClockTimer = timer;
        _runtime.Background($"wall clock of job {job.Id}", async () =>
        {
            if (remaining > TimeSpan.Zero)
            {
                try { await Task.Delay(remaining, timer.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            lock (_runtime.State.Gate)
                if (!timer.IsCancellationRequested && job.IsActive) Terminate(job, "MaxWallClockTimeExpiry");
            _runtime.Scheduler.Wake();
        });
    }
}
