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
        if (job.State == "terminating" && job.RunningTaskCount == 0) CompleteWhenDue(job);
        else if (job.IsActive && job.OnAllTasksComplete == "terminatejob" && job.CompletedTaskCount == job.Tasks.Count)
            Terminate(job, "AllTasksComplete");
    }

    /// <summary>
    /// Under the lock: terminating now, completed once no task of it runs. A terminate a client asked for
    /// (<paramref name="requested"/>) stays visible as terminating for at least EmulatorOptions.TransientStateStay,
    /// as on Azure, so clients' polling for completed runs; the service's own (all tasks complete, wall clock)
    /// completes as soon as nothing runs.
    /// </summary>
    public void Terminate(JobState job, string reason, bool requested = false)
    {
        if (job.State is "terminating" or "completed" or "deleting") return;
        job.TerminateReason = reason;
        job.SetState("terminating", _runtime.State);
        if (requested) job.TerminatingUntil = job.StateTransitionTime + _runtime.TransientStateStay;
        job.WallClockTimer?.Cancel();
        foreach (var task in job.TaskOrder) task.Run?.Stop(StopReason.Terminated);
        if (job.RunningTaskCount == 0) CompleteWhenDue(job);
    }

    private void CompleteWhenDue(JobState job)
    {
        if (EmulatorState.Now >= job.TerminatingUntil)
        {
            job.EndTime = EmulatorState.Now;
            job.SetState("completed", _runtime.State);
            return;
        }
        if (job.CompletionScheduled) return;
        job.CompletionScheduled = true;
        _runtime.At(job.TerminatingUntil, $"completing job {job.Id}", () =>
        {
            job.CompletionScheduled = false;
            AfterTaskFinished(job);
        });
    }

    /// <summary>
    /// Under the lock: the job goes to deleting; its tasks are killed, then their files and the job itself go, once
    /// every task process is gone and the job was seen deleting for EmulatorOptions.TransientStateStay. The removed
    /// job (and with it every task record) is left to the garbage collector, and Runtime/MemoryReleaser hands the memory back.
    /// </summary>
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
            _runtime.At(job.StateTransitionTime + _runtime.TransientStateStay, $"removing job {job.Id}", () =>
            {
                if (_runtime.State.Jobs.TryGetValue(job.Id, out var current) && current == job) _runtime.State.Jobs.Remove(job.Id);
                _runtime.State.Changed(job);
                _runtime.Memory.Released(job.TaskOrder.Count);
            });
        });
    }

    /// <summary>Under the lock: deletes one task (killing it first) and its directory.</summary>
    public void DeleteTask(TaskState task)
    {
        var job = task.Job;
        task.IsDeleted = true;
        _runtime.State.Changed(task);
        job.RemoveTask(task);
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
