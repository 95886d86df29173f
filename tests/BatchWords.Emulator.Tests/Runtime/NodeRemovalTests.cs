using BatchWords.Emulator.Model;
using BatchWords.Emulator.Runtime;
using BatchWords.Emulator.State;
using BatchWords.Emulator.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BatchWords.Emulator.Tests.Runtime;

/// <summary>
/// Nodes that are taken away while their start task runs. A stop reaches the process asynchronously (never
/// under the state lock), so the attempt may end on its own first, with any exit code: the node must leave
/// either way, or its pool stays "deleting" forever. These drive the runtime directly, holding the state lock
/// to put the deletion exactly between the process's exit and the recording of its outcome.
/// </summary>
public sealed class NodeRemovalTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"bw-emulator-removal-{Guid.NewGuid():N}");
    private EmulatorState _state = null!;
    private EmulatorRuntime _runtime = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _state = new EmulatorState("devbatch", _data);
        _runtime = new EmulatorRuntime(_state, NullLogger.Instance);
        _runtime.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _runtime.ShutdownAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3, true)]
    [InlineData(0, false)]
    public async Task A_pool_deleted_as_its_start_task_exits_on_its_own_still_disappears(int exitCode, bool waitForSuccess)
    {
        var pool = await CreatePoolWithBlockedStartTaskAsync("removal-pool", exitCode, waitForSuccess);

        lock (_state.Gate)
        {
            // The start task exits now, while the lock is held: its outcome (exited, not stopped) waits for the lock.
            ReleaseAndAwaitExit(pool);
            // Deleted before that outcome is recorded: the stop comes too late to kill anything.
            _runtime.Nodes.BeginDeletePool(pool);
        }

        await Eventually.GetAsync(() => Task.FromResult(Describe(pool)), _ => !Exists(pool), $"pool {pool.Id} to disappear");
        Assert.False(Directory.Exists(pool.Directory), "the pool's sandboxes are deleted with it");
    }

    [Fact]
    public async Task A_node_removed_by_a_resize_as_its_start_task_exits_on_its_own_still_leaves()
    {
        var pool = await CreatePoolWithBlockedStartTaskAsync("removal-resize", 0, waitForSuccess: true);
        var node = pool.Nodes.Single();

        lock (_state.Gate)
        {
            ReleaseAndAwaitExit(pool);
            pool.TargetDedicatedNodes = 0;
            _runtime.Nodes.ApplyTargets(pool, "requeue");
        }

        await Eventually.GetAsync(() => Task.FromResult(Describe(pool)), _ =>
        {
            lock (_state.Gate) return node.IsRemoved && pool.Nodes.Count == 0 && pool.AllocationState == "steady";
        }, $"the node of {pool.Id} to leave");
        Assert.False(Directory.Exists(node.RootDirectory), "the node's sandbox is deleted when it leaves");
    }

    /// <summary>A one-node pool whose start task has started and waits for its release file, then exits with <paramref name="exitCode"/>.</summary>
    private async Task<PoolState> CreatePoolWithBlockedStartTaskAsync(string id, int exitCode, bool waitForSuccess)
    {
        var control = Path.Combine(_data, "control-" + id);
        Directory.CreateDirectory(control);
        var spec = new PoolCreateRequest
        {
            Id = id,
            VmSize = "standard_d2s_v3",
            TargetDedicatedNodes = 1,
            StartTask = new StartTask
            {
                // exec: the process the emulator waits for is this shell itself, so $$ is its pid.
                CommandLine = $"/bin/sh -c 'echo $$ > {control}/pid.tmp && mv {control}/pid.tmp {control}/pid; " +
                              $"while [ ! -e {control}/release ]; do sleep 0.01; done; exit {exitCode}'",
                WaitForSuccess = waitForSuccess,
            },
        };
        PoolState pool;
        lock (_state.Gate)
        {
            pool = new PoolState(spec, _state.NextSequence(), _state.NewETag(), EmulatorState.Now, Path.Combine(_state.PoolsDirectory, id));
            _state.Pools[pool.Id] = pool;
            _runtime.Nodes.ApplyTargets(pool);
        }
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(control, "pid")), $"the start task of {id} to run");
        return pool;
    }

    /// <summary>
    /// Lets the start task exit and waits (the caller holds the lock) until it is gone and, as far as can be seen,
    /// its runner is blocked on the lock with the exited outcome in hand.
    /// </summary>
    private void ReleaseAndAwaitExit(PoolState pool)
    {
        var control = Path.Combine(_data, "control-" + pool.Id);
        var pid = int.Parse(File.ReadAllText(Path.Combine(control, "pid")).Trim());
        var contention = Monitor.LockContentionCount;
        File.WriteAllText(Path.Combine(control, "release"), "");
        var deadline = DateTime.UtcNow + Eventually.Limit;
        while (File.Exists($"/proc/{pid}/stat"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The start task (pid {pid}) did not exit.");
            Thread.Sleep(10);
        }
        // The runner's continuation then reaches the lock. Monitor.LockContentionCount is process-wide, so this
        // only shortens the wait: going on early makes the test weaker, never flaky.
        var settle = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (Monitor.LockContentionCount == contention && DateTime.UtcNow < settle) Thread.Sleep(10);
        Thread.Sleep(50);
    }

    private bool Exists(PoolState pool)
    {
        lock (_state.Gate) return _state.Pools.ContainsKey(pool.Id);
    }

    /// <summary>What the timeout message shows: the pool's and each node's state.</summary>
    private string Describe(PoolState pool)
    {
        lock (_state.Gate)
            return $"pool {pool.State}/{pool.AllocationState}; nodes: " +
                   string.Join(", ", pool.Nodes.Select(n => $"{n.Id} {n.State} leaving={n.IsLeaving} removed={n.IsRemoved} startTask={n.StartTaskState}/{n.StartTaskResult}"));
    }
}
