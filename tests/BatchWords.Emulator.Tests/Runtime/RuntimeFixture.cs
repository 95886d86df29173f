using BatchWords.Batch;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Emulator.Tests.Runtime;

/// <summary>An emulator and an Azurite for the runtime tests, plus the helpers they share.</summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    public EmulatorFixture Emulator { get; } = new();
    public AzuriteFixture Azurite { get; } = new();
    public BatchClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Emulator.InitializeAsync(), Azurite.InitializeAsync());
        Client = Emulator.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public static string NewId(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(64, stem.Length + 13)];

    /// <summary>Creates a pool and waits until it is steady and every node has left creating/starting/waitingforstarttask.</summary>
    public async Task<List<BatchNode>> CreatePoolAsync(string poolId, int nodes, int slots = 1, BatchStartTask? startTask = null)
    {
        await Client.CreatePoolAsync(new BatchPoolCreateOptions(poolId, "standard_d2s_v3")
        {
            VirtualMachineConfiguration = new VirtualMachineConfiguration(
                new BatchVmImageReference { Publisher = "canonical", Offer = "0001-com-ubuntu-server-jammy", Sku = "22_04-lts" }, "batch.node.ubuntu 22.04"),
            TargetDedicatedNodes = nodes,
            TaskSlotsPerNode = slots,
            StartTask = startTask,
        });
        return await Eventually.GetAsync(async () =>
        {
            var list = new List<BatchNode>();
            await foreach (var node in Client.GetNodesAsync(poolId)) list.Add(node);
            return list;
        }, list => list.Count == nodes && list.All(n => n.State == BatchNodeState.Idle || n.State == BatchNodeState.StartTaskFailed),
            $"the nodes of {poolId} to settle");
    }

    public async Task<string> CreateJobAsync(string poolId, Action<BatchJobCreateOptions>? customize = null)
    {
        var job = new BatchJobCreateOptions(NewId("rt-job"), new BatchPoolInfo { PoolId = poolId });
        customize?.Invoke(job);
        await Client.CreateJobAsync(job);
        return job.Id;
    }

    public Task<BatchTask> WaitForStateAsync(string jobId, string taskId, BatchTaskState state) =>
        Eventually.GetAsync(async () => (await Client.GetTaskAsync(jobId, taskId)).Value, t => t.State == state, $"task {taskId} to be {state}");

    public async Task<BatchTask> RunAsync(string jobId, BatchTaskCreateOptions task)
    {
        await Client.AddTaskAsync(jobId, task);
        return await WaitForStateAsync(jobId, task.Id, BatchTaskState.Completed);
    }

    public async Task<string> ReadTaskFileAsync(string jobId, string taskId, string path) =>
        (await Client.GetTaskFileAsync(jobId, taskId, path)).Value.ToString();

    /// <summary>Whether a process is still alive (a zombie waiting for a reaper counts as dead: it runs nothing).</summary>
    public static bool IsAlive(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ").Last()[0] != 'Z'; }
        catch (IOException) { return false; }
    }
}

[CollectionDefinition(Name)]
public sealed class RuntimeCollection : ICollectionFixture<RuntimeFixture>
{
    public const string Name = "Runtime";
}
