using System.Threading.Channels;
using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Places active tasks on free slots (§8.6, §11.5). Event-driven, never polling: a new task, a freed slot, a node
/// becoming idle or a job changing wakes it through <see cref="Wake"/>, and one pass assigns everything that fits.
/// Jobs are served by priority (then age), tasks oldest first; a task needs requiredSlots free on one node whose
/// state accepts tasks; concurrency is therefore bounded by nodes × taskSlotsPerNode (and maxParallelTasks).
/// Nodes are chosen by the pool's nodeFillType: spread (most free slots) or pack (fewest free slots that fit).
/// </summary>
public sealed class Scheduler
{
    private readonly EmulatorRuntime _runtime;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public Scheduler(EmulatorRuntime runtime) => _runtime = runtime;

    public void Start() => _loop = Task.Run(LoopAsync);

    public void Stop()
    {
        _stop.Cancel();
        _wake.Writer.TryComplete();
    }

    /// <summary>Asks for a scheduling pass soon; many wakes before the pass collapse into one.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    private async Task LoopAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                List<(TaskState Task, NodeState Node, ProcessRun Run)> started;
                lock (_runtime.State.Gate) started = AssignAll();
                foreach (var (task, node, run) in started)
                    _runtime.Background($"task {task.Job.Id}/{task.Id}", () => _runtime.Tasks.RunAsync(task, node, run));
            }
        }
        catch (OperationCanceledException) { /* stopping */ }
    }

    /// <summary>One pass, under the state lock: every task that fits now goes to running with its slots reserved.</summary>
    private List<(TaskState, NodeState, ProcessRun)> AssignAll()
    {
        var started = new List<(TaskState, NodeState, ProcessRun)>();
        if (_runtime.IsStopping) return started;
        var state = _runtime.State;
        var jobs = state.Jobs.Values.Where(j => j.IsActive && j.Pending.Count > 0)
            .OrderByDescending(j => j.Priority).ThenBy(j => j.Sequence);
        foreach (var job in jobs)
        {
            if (!state.Pools.TryGetValue(job.PoolId, out var pool) || pool.IsDeleting) continue;
            var nodes = pool.Nodes.Where(n => n.AcceptsTasks && n.StartTaskAllowsTasks).ToList();
            var freeSlots = nodes.Sum(n => n.FreeSlots);
            if (freeSlots == 0) continue;

            var assigned = new List<TaskState>();
            foreach (var task in job.Pending)
            {
                if (freeSlots == 0) break;
                if (job.MaxParallelTasks >= 0 && job.RunningTaskCount >= job.MaxParallelTasks) break;
                var node = Choose(nodes, task.RequiredSlots, pool.NodeFillType);
                if (node is null) continue; // a task needing fewer slots may still fit
                started.Add((task, node, Assign(task, node, state)));
                assigned.Add(task);
                freeSlots -= task.RequiredSlots;
            }
            foreach (var task in assigned) job.Pending.Remove(task);
        }
        return started;
    }

    private static NodeState? Choose(List<NodeState> nodes, int requiredSlots, string fillType)
    {
        var fitting = nodes.Where(n => n.FreeSlots >= requiredSlots);
        return fillType == "pack"
            ? fitting.OrderBy(n => n.FreeSlots).ThenBy(n => n.Index).FirstOrDefault()
            : fitting.OrderByDescending(n => n.FreeSlots).ThenBy(n => n.Index).FirstOrDefault();
    }

    private static ProcessRun Assign(TaskState task, NodeState node, EmulatorState state)
    {
        var run = new ProcessRun();
        task.Run = run;
        task.Node = node;
        task.StartTime = EmulatorState.Now;
        task.EndTime = null;
        task.ExitCode = null;
        task.Result = null;
        task.Failure = null;
        task.SetState("running", state);
        node.RunningTasks.Add(task);
        node.RunningSlots += task.RequiredSlots;
        node.RememberTask(task);
        node.RefreshBusyState();
        task.Job.RunningTaskCount++;
        return run;
    }
}
