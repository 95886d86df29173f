using BatchWords.Emulator.Http;
using BatchWords.Emulator.Runtime;
using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Preemption;

/// <summary>
/// Spot preemption as Batch does it, so a client can rehearse it locally: the node goes "preempted", its running
/// tasks are killed and requeued (executionInfo.requeueCount and lastRequeueTime, not a retry; TaskRunner records
/// the requeue), it runs nothing while preempted, and after <see cref="ReturnAfter"/> it leaves and a fresh node
/// takes its place (the pool's Spot target is still met). Dedicated nodes are never preempted. Reached through the
/// emulator-only endpoints (<see cref="PreemptionEndpoints"/>) or at random (<see cref="PreemptionSettings"/>).
/// </summary>
public sealed class NodePreemption
{
    /// <summary>How long a preempted node stays visible in that state before it is replaced.</summary>
    public static readonly TimeSpan ReturnAfter = TimeSpan.FromSeconds(1);

    private readonly EmulatorRuntime _runtime;
    private readonly PreemptionSettings? _settings;

    public NodePreemption(EmulatorRuntime runtime)
    {
        _runtime = runtime;
        _settings = PreemptionSettings.Parse(Environment.GetEnvironmentVariable(PreemptionSettings.Variable));
    }

    /// <summary>Spot nodes preempted since the emulator started (what a rehearsal reports).</summary>
    public int PreemptedCount { get; private set; }

    /// <summary>Starts the random preemptions when BATCHWORDS_EMULATOR_PREEMPTION asks for them.</summary>
    public void Start()
    {
        if (_settings is not { Rate: > 0 } settings) return;
        var random = settings.Seed is { } seed ? new Random(seed) : new Random();
        _runtime.Background("random preemption", async () =>
        {
            while (!_runtime.IsStopping)
            {
                try { await Task.Delay(settings.Every, _runtime.StoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                lock (_runtime.State.Gate)
                    foreach (var node in _runtime.State.Pools.Values.SelectMany(p => p.Nodes).Where(n => n.State == "running" && !n.IsDedicated).ToList())
                        if (random.NextDouble() < settings.Rate) Preempt(node);
            }
        });
    }

    /// <summary>Under the lock: preempts the node; 409 for a dedicated node or one that cannot be preempted now.</summary>
    public void Preempt(NodeState node)
    {
        if (node.IsDedicated)
            throw BatchRequestException.Conflict("OperationInvalidForCurrentState", $"Node '{node.Id}' is dedicated; only Spot (low-priority) nodes are preempted.");
        if (node.IsLeaving || node.State is not ("idle" or "running"))
            throw BatchRequestException.Conflict("OperationInvalidForCurrentState", $"Node '{node.Id}' is {node.State}; only idle or running Spot nodes can be preempted.");
        PreemptedCount++;
        node.SetState("preempted");
        foreach (var task in node.RunningTasks) task.Run?.Stop(StopReason.Requeued);
        node.Pool.Touch(_runtime.State);
        _runtime.State.Changed(node.Pool);
        _runtime.Background($"preempted node {node.Pool.Id}/{node.Id}", async () =>
        {
            await Task.Delay(ReturnAfter).ConfigureAwait(false);
            lock (_runtime.State.Gate)
            {
                if (node.IsRemoved) return;
                // The preempted VM goes away; Batch allocates another one for the unchanged Spot target.
                node.IsLeaving = true;
                _runtime.Nodes.TryCompleteRemoval(node);
                _runtime.Nodes.ApplyTargets(node.Pool);
            }
            _runtime.Scheduler.Wake();
        });
    }

    /// <summary>Under the lock: preempts up to <paramref name="count"/> Spot nodes of the pool, busiest first.</summary>
    public List<NodeState> PreemptBusiest(PoolState pool, int count)
    {
        var chosen = pool.Nodes.Where(n => !n.IsDedicated && !n.IsLeaving && n.State is "idle" or "running")
            .OrderByDescending(n => n.RunningTasks.Count).ThenBy(n => n.Index).Take(count).ToList();
        foreach (var node in chosen) Preempt(node);
        return chosen;
    }
}
