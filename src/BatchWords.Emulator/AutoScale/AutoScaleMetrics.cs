using BatchWords.Emulator.State;

namespace BatchWords.Emulator.AutoScale;

/// <summary>
/// The metric history of every pool (the service samples every 30 seconds whether or not autoscale is on, so a
/// formula enabled later has history to read): task counts of the jobs on the pool and its node counts.
/// Kept in memory only; after a restart the history starts again.
/// </summary>
public sealed class AutoScaleMetrics
{
    private static readonly TimeSpan Kept = TimeSpan.FromHours(2);
    private readonly Dictionary<string, List<(DateTimeOffset Time, Dictionary<string, double> Values)>> _history = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Under the state lock: records the pool's metrics now (at most one sample per second).</summary>
    public void Sample(EmulatorState state, PoolState pool, DateTimeOffset now)
    {
        if (!_history.TryGetValue(pool.Id, out var samples)) _history[pool.Id] = samples = new();
        if (samples.Count > 0 && now - samples[^1].Time < TimeSpan.FromSeconds(1)) samples.RemoveAt(samples.Count - 1);
        samples.Add((now, Measure(state, pool)));
        samples.RemoveAll(s => now - s.Time > Kept);
    }

    public void Forget(string poolId) => _history.Remove(poolId);

    /// <summary>Under the state lock: the scope a formula is evaluated in, with a fresh sample taken first.</summary>
    public AutoScaleScope Scope(EmulatorState state, PoolState pool)
    {
        var now = EmulatorState.Now;
        Sample(state, pool, now);
        var samples = _history[pool.Id];
        var metrics = AutoScaleBuiltins.Metrics.ToDictionary(name => name, name => new AutoScaleMetric(
            name, samples[^1].Values[name], samples.Select(s => new AutoScaleSample(s.Time, s.Values[name])).ToList(),
            AutoScaleBuiltins.PlainNumberMetrics.Contains(name)), StringComparer.Ordinal);
        return new AutoScaleScope(now, metrics, pool.TargetDedicatedNodes, pool.TargetLowPriorityNodes);
    }

    private static Dictionary<string, double> Measure(EmulatorState state, PoolState pool)
    {
        var jobs = state.Jobs.Values.Where(j => string.Equals(j.PoolId, pool.Id, StringComparison.OrdinalIgnoreCase)).ToList();
        var active = jobs.Where(j => j.IsActive).Sum(j => j.Pending.Count);
        var running = jobs.Sum(j => j.RunningTaskCount);
        var completed = jobs.SelectMany(j => j.TaskOrder).Where(t => t.State == "completed").ToList();
        var live = pool.Nodes.Where(n => !n.IsLeaving).ToList();
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["$ActiveTasks"] = active,
            ["$RunningTasks"] = running,
            ["$PendingTasks"] = active + running,
            ["$SucceededTasks"] = completed.Count(t => t.Result == "success"),
            ["$FailedTasks"] = completed.Count(t => t.Result == "failure"),
            ["$PreemptedNodeCount"] = pool.Nodes.Count(n => n.State == "preempted"),
            ["$UsableNodeCount"] = live.Count(n => n.State is "idle" or "running"),
            ["$CurrentDedicatedNodes"] = live.Count(n => n.IsDedicated),
            ["$CurrentLowPriorityNodes"] = live.Count(n => !n.IsDedicated),
            ["$TaskSlotsPerNode"] = pool.TaskSlotsPerNode,
        };
    }
}
