using System.Globalization;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Node lifecycles (§8.8). Nodes are added until the pool's targets are met: each goes creating (its sandbox
/// directories are made) → starting → waitingforstarttask (while a start task with waitForSuccess runs) → idle.
/// The start task runs with its retries; if it still fails with waitForSuccess, the node is starttaskfailed and
/// gets no tasks. Shrinking or deleting the pool removes nodes per nodeDeallocationOption; a removed node's
/// directory is deleted once nothing runs on it. No artificial delays: states change as fast as the work allows.
/// </summary>
public sealed class NodeRuntime
{
    private static readonly string[] NodeDirectories = { "startup", "startup/wd", "shared", "workitems", "fsmounts", "volatile", "applications" };
    private static readonly TimeSpan UnlimitedRetryPause = TimeSpan.FromSeconds(1);
    private readonly EmulatorRuntime _runtime;
    private readonly TaskExecution _execution;

    public NodeRuntime(EmulatorRuntime runtime, TaskExecution execution)
    {
        _runtime = runtime;
        _execution = execution;
    }

    /// <summary>Under the lock: add or remove nodes until the pool matches its targets.</summary>
    public void ApplyTargets(PoolState pool, string deallocationOption = "requeue")
    {
        var state = _runtime.State;
        if (pool.IsDeleting || _runtime.IsStopping) return;
        foreach (var dedicated in new[] { true, false })
        {
            var target = dedicated ? pool.TargetDedicatedNodes : pool.TargetLowPriorityNodes;
            var current = pool.Nodes.Where(n => n.IsDedicated == dedicated && !n.IsLeaving).ToList();
            for (var i = current.Count; i < target; i++) AddNode(pool, dedicated);
            // Shrinking takes the least busy nodes first, newest first among equals.
            foreach (var node in current.OrderBy(n => n.RunningTasks.Count).ThenByDescending(n => n.Index).Take(Math.Max(0, current.Count - target)))
                RemoveNode(node, deallocationOption);
        }
        UpdateAllocationState(pool);
        pool.Touch(state);
    }

    /// <summary>Under the lock: the pool goes to "deleting"; its nodes leave, requeueing their tasks; it disappears once they are gone.</summary>
    public void BeginDeletePool(PoolState pool)
    {
        pool.SetState("deleting", _runtime.State);
        foreach (var node in pool.Nodes.ToList()) RemoveNode(node, "requeue");
        FinishPoolDeletionIfEmpty(pool);
    }

    /// <summary>Under the lock, after a restart: nodes cut short in their setup start again; leaving ones go; deletion goes on.</summary>
    public void Resume(PoolState pool, ISet<NodeState> nodesToStart)
    {
        if (pool.IsDeleting)
        {
            BeginDeletePool(pool);
            return;
        }
        foreach (var node in pool.Nodes.ToList())
        {
            if (node.IsLeaving) TryCompleteRemoval(node);
            else if (nodesToStart.Contains(node)) _runtime.Background($"node {pool.Id}/{node.Id}", () => StartNodeAsync(node));
        }
        ApplyTargets(pool);
    }

    private void AddNode(PoolState pool, bool dedicated)
    {
        var now = EmulatorState.Now;
        var index = pool.NextNodeIndex++;
        var id = string.Create(CultureInfo.InvariantCulture, $"tvm-{1000000000 + pool.Sequence}_{index + 1}-{now:yyyyMMdd}t{now:HHmmss}z");
        var node = new NodeState(pool, id, index, dedicated, Path.Combine(pool.Directory, id), now);
        pool.Nodes.Add(node);
        _runtime.Background($"node {pool.Id}/{id}", () => StartNodeAsync(node));
    }

    private void RemoveNode(NodeState node, string option)
    {
        node.IsLeaving = true;
        node.SetState("leavingpool");
        var reason = option switch { "requeue" => StopReason.Requeued, "terminate" => StopReason.Terminated, _ => StopReason.None };
        if (reason != StopReason.None)
            foreach (var task in node.RunningTasks) task.Run?.Stop(reason);
        node.StartTaskRun?.Stop(StopReason.Deleted);
        TryCompleteRemoval(node);
    }

    /// <summary>Under the lock: a leaving node with nothing left running is removed and its directory deleted.</summary>
    public void TryCompleteRemoval(NodeState node)
    {
        if (!node.IsLeaving || node.IsRemoved || node.IsProvisioning || node.RunningTasks.Count > 0 || node.StartTaskRun is not null) return;
        node.IsRemoved = true;
        var pool = node.Pool;
        pool.Nodes.Remove(node);
        _runtime.State.Changed(pool);
        _runtime.Discard(node.RootDirectory);
        UpdateAllocationState(pool);
        FinishPoolDeletionIfEmpty(pool);
    }

    /// <summary>
    /// Under the lock: a deleting pool with no node left goes, once it was seen deleting for
    /// EmulatorOptions.TransientStateStay (until then a create of the same id is 409 PoolBeingDeleted, as on Azure).
    /// </summary>
    private void FinishPoolDeletionIfEmpty(PoolState pool)
    {
        if (!pool.IsDeleting || pool.Nodes.Count > 0) return;
        var due = pool.StateTransitionTime + _runtime.TransientStateStay;
        if (EmulatorState.Now < due)
        {
            if (pool.RemovalScheduled) return;
            pool.RemovalScheduled = true;
            _runtime.At(due, $"removing pool {pool.Id}", () =>
            {
                pool.RemovalScheduled = false;
                FinishPoolDeletionIfEmpty(pool);
            });
            return;
        }
        var state = _runtime.State;
        if (state.Pools.TryGetValue(pool.Id, out var current) && current == pool) state.Pools.Remove(pool.Id);
        state.Changed(pool);
        // Only if empty: its node directories went one by one, and nothing else of this pool lives there.
        try { if (Directory.Exists(pool.Directory) && !Directory.EnumerateFileSystemEntries(pool.Directory).Any()) Directory.Delete(pool.Directory); }
        catch (IOException) { /* a new pool of the same id is already using it */ }
    }

    /// <summary>steady once no node is still being created or waiting to leave; resizing otherwise.</summary>
    private void UpdateAllocationState(PoolState pool)
    {
        var busy = pool.Nodes.Any(n => n.State == "creating" || n.IsLeaving);
        pool.SetAllocationState(busy ? "resizing" : "steady", _runtime.State);
    }

    private async Task StartNodeAsync(NodeState node)
    {
        var state = _runtime.State;
        Exception? failure = null;
        try
        {
            foreach (var directory in NodeDirectories) Directory.CreateDirectory(Path.Combine(node.RootDirectory, directory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = e;
        }
        lock (state.Gate)
        {
            state.Changed(node.Pool);
            node.IsProvisioning = false;
            if (failure is not null)
            {
                // A node without its sandbox can run nothing: unusable, as a VM that failed to provision.
                node.SetState("unusable");
                UpdateAllocationState(node.Pool);
                TryCompleteRemoval(node);
            }
        }
        if (failure is not null)
        {
            _runtime.LogWarning("Node {Node} could not create its sandbox: {Error}", node.Id, failure.Message);
            return;
        }

        StartTask? startTask;
        bool waitForSuccess;
        lock (state.Gate)
        {
            if (node.IsLeaving) { TryCompleteRemoval(node); return; }
            state.Changed(node.Pool);
            node.LastBootTime = EmulatorState.Now;
            node.SetState("starting");
            UpdateAllocationState(node.Pool);
            startTask = node.Pool.Spec.StartTask;
            waitForSuccess = startTask?.WaitForSuccess ?? true;
            if (startTask is null || !waitForSuccess) BecomeIdle(node);
            else node.SetState("waitingforstarttask");
        }
        _runtime.Scheduler.Wake();
        if (startTask is not null) await RunStartTaskAsync(node, startTask, waitForSuccess).ConfigureAwait(false);
    }

    private static void BecomeIdle(NodeState node)
    {
        node.StartTaskAllowsTasks = true;
        node.SetState("idle");
        node.RefreshBusyState();
    }

    /// <summary>The start task's attempts, in startup/ with its own environment (no job or task ids).</summary>
    private async Task RunStartTaskAsync(NodeState node, StartTask startTask, bool waitForSuccess)
    {
        var state = _runtime.State;
        var maxRetries = startTask.MaxTaskRetryCount ?? 0;
        while (true)
        {
            ProcessRun run;
            ExecutionPlan plan;
            lock (state.Gate)
            {
                if (node.IsLeaving || _runtime.IsStopping) { TryCompleteRemoval(node); return; }
                state.Changed(node.Pool);
                run = new ProcessRun();
                node.StartTaskRun = run;
                node.StartTaskState = "running";
                node.StartTaskStartTime = EmulatorState.Now;
                node.StartTaskEndTime = null;
                node.StartTaskExitCode = null;
                node.StartTaskResult = null;
                node.StartTaskFailure = null;
                var directory = Path.Combine(node.RootDirectory, "startup");
                var environment = TaskEnvironment.Build(new TaskEnvironmentContext(
                    state.AccountName, state.ListenUrl, node.Pool.Id, node.Id, node.IsDedicated, node.RootDirectory, directory,
                    null, null, startTask.UserIdentity, null, startTask.EnvironmentSettings));
                plan = new ExecutionPlan(directory, startTask.CommandLine!, startTask.ResourceFiles, environment, null);
            }

            ExecutionOutcome outcome;
            try { outcome = await _execution.RunAsync(plan, run).ConfigureAwait(false); }
            catch (Exception e)
            {
                outcome = new ExecutionOutcome.PreparationFailed(FailureInfos.Create("servererror", "StartTaskRunFailed", "The emulator could not run the start task: " + e.Message));
            }

            var retry = false;
            lock (state.Gate)
            {
                state.Changed(node.Pool);
                node.StartTaskRun = null;
                switch (outcome)
                {
                    case ExecutionOutcome.Stopped:
                        break; // the node is leaving (or the emulator stopping): removed below
                    case ExecutionOutcome.Exited { ExitCode: 0 }:
                        EndStartTask(node, 0, null);
                        if (waitForSuccess && node.State == "waitingforstarttask") BecomeIdle(node);
                        break;
                    case ExecutionOutcome.Exited { ExitCode: var code } when maxRetries == -1 || node.StartTaskRetryCount < maxRetries:
                        node.StartTaskRetryCount++;
                        node.StartTaskLastRetryTime = EmulatorState.Now;
                        retry = true;
                        break;
                    case ExecutionOutcome.Exited { ExitCode: var code }:
                        EndStartTask(node, code, FailureInfos.Create("usererror", "FailureExitCode", "The start task process exited with an unexpected exit code",
                            ("Message", $"The start task process exited with exit code {code}")));
                        break;
                    case ExecutionOutcome.PreparationFailed failed:
                        EndStartTask(node, null, failed.Failure);
                        break;
                    case ExecutionOutcome.TimedOut timedOut:
                        EndStartTask(node, timedOut.ExitCode, FailureInfos.Create("servererror", "TaskEnded", "The start task ran too long."));
                        break;
                }
                if (node.StartTaskResult == "failure" && waitForSuccess && !node.IsLeaving) node.SetState("starttaskfailed");
                // A node taken away while its start task ran leaves now, however the attempt ended. The stop reaches
                // the process asynchronously (ProcessRun.Stop), so the attempt often exits on its own first (0 or
                // not) and is recorded as exited, not stopped; the removal, which waited for StartTaskRun to clear,
                // must still happen, or the node and its pool stay "leavingpool"/"deleting" forever.
                if (node.IsLeaving)
                {
                    retry = false;
                    TryCompleteRemoval(node);
                }
            }
            run.MarkFinished();
            _runtime.Scheduler.Wake();
            if (!retry) return;
            if (maxRetries == -1) await Task.Delay(UnlimitedRetryPause).ConfigureAwait(false);
        }
    }

    private static void EndStartTask(NodeState node, int? exitCode, FailureInfo? failure)
    {
        node.StartTaskState = "completed";
        node.StartTaskEndTime = EmulatorState.Now;
        node.StartTaskExitCode = exitCode;
        node.StartTaskFailure = failure;
        node.StartTaskResult = failure is null ? "success" : "failure";
    }
}
