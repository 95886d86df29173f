using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using BatchWords.Batch;
using BatchWords.Emulator.Tests.Infrastructure;
using BatchWords.Emulator.Tests.Runtime;
using Xunit;

namespace BatchWords.Emulator.Tests.Durability;

/// <summary>
/// The emulator's state survives it: an emulator killed with SIGKILL (the real executable, as the module runs it)
/// and started again on the same data folder has the same pools, nodes, jobs and tasks; tasks that were running are
/// requeued and run again (their old processes killed), completed ones keep their results and files, and it
/// listens on the same port, so a client made before the kill goes on working.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private const string Account = "devbatch";
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"bw-emulator-restart-{Guid.NewGuid():N}");
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<Process> _emulators = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var emulator in _emulators)
        {
            try { if (!emulator.HasExited) emulator.Kill(); } catch (InvalidOperationException) { }
            await emulator.WaitForExitAsync();
            emulator.Dispose();
        }
        // Whatever a killed emulator left running in its sandboxes (an in-process emulator on the folder kills it).
        await using (await EmulatorHost.StartAsync(new EmulatorOptions { AccountName = Account, AccountKey = _key, DataDirectory = _data })) { }
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task An_emulator_killed_and_started_again_restores_pools_jobs_and_tasks_requeues_the_running_and_keeps_the_completed()
    {
        var (first, endpoint) = await StartExecutableAsync();
        var client = new BatchClient(endpoint, new AzureNamedKeyCredential(Account, _key));
        var poolId = RuntimeFixture.NewId("rs-pool");
        await client.CreatePoolAsync(NewPool(poolId, nodes: 1, slots: 2));
        var node = await Eventually.GetAsync(async () => await FirstNodeAsync(client, poolId), n => n?.State == BatchNodeState.Idle, "the node to be idle");
        var jobId = RuntimeFixture.NewId("rs-job");
        await client.CreateJobAsync(new BatchJobCreateOptions(jobId, new BatchPoolInfo { PoolId = poolId }));

        await client.AddTaskAsync(jobId, new BatchTaskCreateOptions("done", "/bin/sh -c 'echo finished before the kill'"));
        await Eventually.GetAsync(async () => (await client.GetTaskAsync(jobId, "done")).Value, t => t.State == BatchTaskState.Completed, "task done");
        // The first attempt records its pid and sleeps; the attempt after the restart finds the mark and succeeds.
        await client.AddTaskAsync(jobId, new BatchTaskCreateOptions("long",
            "/bin/sh -c 'if [ -e \"$AZ_BATCH_NODE_SHARED_DIR/ran\" ]; then echo second attempt; else touch \"$AZ_BATCH_NODE_SHARED_DIR/ran\"; echo $$ > \"$AZ_BATCH_NODE_SHARED_DIR/pid\"; exec sleep 300; fi'"));
        await Eventually.GetAsync(async () => (await client.GetTaskAsync(jobId, "long")).Value, t => t.State == BatchTaskState.Running, "task long to run");
        var nodeRoot = Path.Combine(_data, "pools", poolId, node!.Id!);
        var pidFile = Path.Combine(nodeRoot, "shared", "pid");
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the first attempt to write its pid");
        var firstAttempt = int.Parse(File.ReadAllText(pidFile).Trim());

        first.Kill(); // SIGKILL: no shutdown code runs
        await first.WaitForExitAsync();
        Assert.True(RuntimeFixture.IsAlive(firstAttempt), "the killed emulator's task process is still running");

        var (_, endpointAfter) = await StartExecutableAsync();
        Assert.Equal(endpoint, endpointAfter);
        Assert.False(RuntimeFixture.IsAlive(firstAttempt), "the restarted emulator killed the attempt it cannot track");

        // The same client, made before the kill: same pool and node, same job, both tasks.
        var pool = (await client.GetPoolAsync(poolId)).Value;
        Assert.Equal(1, pool.CurrentDedicatedNodes);
        var nodeAfter = await FirstNodeAsync(client, poolId);
        Assert.Equal(node.Id, nodeAfter!.Id);
        Assert.True(Directory.Exists(nodeRoot), "the node's sandbox is kept");
        var done = (await client.GetTaskAsync(jobId, "done")).Value;
        Assert.Equal(BatchTaskState.Completed, done.State);
        Assert.Equal(BatchTaskExecutionResult.Success, done.ExecutionInfo!.Result);
        Assert.Equal("finished before the kill\n", (await client.GetTaskFileAsync(jobId, "done", "stdout.txt")).Value.ToString());

        var requeued = await Eventually.GetAsync(async () => (await client.GetTaskAsync(jobId, "long")).Value, t => t.State == BatchTaskState.Completed, "task long to run again");
        Assert.Equal(BatchTaskExecutionResult.Success, requeued.ExecutionInfo!.Result);
        Assert.Equal(1, requeued.ExecutionInfo.RequeueCount);
        Assert.Equal(0, requeued.ExecutionInfo.RetryCount);
        Assert.Equal("second attempt\n", (await client.GetTaskFileAsync(jobId, "long", "stdout.txt")).Value.ToString());

        var tasks = new List<BatchTask>();
        await foreach (var task in client.GetTasksAsync(jobId)) tasks.Add(task);
        Assert.Equal(new[] { "done", "long" }, tasks.Select(t => t.Id).OrderBy(id => id));
    }

    [Fact]
    public async Task A_job_deleted_and_created_again_under_the_same_id_comes_back_with_only_its_own_tasks()
    {
        var options = new EmulatorOptions { AccountName = Account, AccountKey = _key, DataDirectory = _data };
        var jobId = RuntimeFixture.NewId("rs-reuse");
        await using (var emulator = await EmulatorHost.StartAsync(options))
        {
            var client = new BatchClient(emulator.BaseUri, new AzureNamedKeyCredential(Account, _key));
            // No pool: the tasks stay active, which is all this test needs.
            await client.CreateJobAsync(new BatchJobCreateOptions(jobId, new BatchPoolInfo { PoolId = "no-such-pool" }));
            await client.AddTaskAsync(jobId, new BatchTaskCreateOptions("old", "/bin/true"));
            await client.DeleteJobAsync(jobId);
            await Eventually.GetAsync(async () => await JobExistsAsync(client, jobId), exists => !exists, "the old job to go");
            await client.CreateJobAsync(new BatchJobCreateOptions(jobId, new BatchPoolInfo { PoolId = "no-such-pool" }));
            await client.AddTaskAsync(jobId, new BatchTaskCreateOptions("new", "/bin/true"));
            var deleted = new BatchJobCreateOptions(RuntimeFixture.NewId("rs-gone"), new BatchPoolInfo { PoolId = "no-such-pool" });
            await client.CreateJobAsync(deleted);
            await client.DeleteJobAsync(deleted.Id);
            await Eventually.GetAsync(async () => await JobExistsAsync(client, deleted.Id), exists => !exists, "the other job to go");
        }

        await using (var emulator = await EmulatorHost.StartAsync(options))
        {
            var client = new BatchClient(emulator.BaseUri, new AzureNamedKeyCredential(Account, _key));
            var tasks = new List<string>();
            await foreach (var task in client.GetTasksAsync(jobId)) tasks.Add(task.Id!);
            Assert.Equal(new[] { "new" }, tasks);
            var jobs = new List<string>();
            await foreach (var job in client.GetJobsAsync()) jobs.Add(job.Id!);
            Assert.Equal(new[] { jobId }, jobs);
        }
    }

    [Fact]
    public async Task A_torn_last_line_of_the_journal_is_skipped_and_everything_before_it_is_restored()
    {
        var options = new EmulatorOptions { AccountName = Account, AccountKey = _key, DataDirectory = _data };
        await using (var emulator = await EmulatorHost.StartAsync(options))
        {
            var client = new BatchClient(emulator.BaseUri, new AzureNamedKeyCredential(Account, _key));
            await client.CreateJobAsync(new BatchJobCreateOptions("kept", new BatchPoolInfo { PoolId = "no-such-pool" }));
        }
        // A process killed in the middle of an append leaves half a line.
        await File.AppendAllTextAsync(Path.Combine(_data, "state", "journal.jsonl"), "{\"job\":{\"spec\":{\"id\":\"torn");

        await using (var emulator = await EmulatorHost.StartAsync(options))
        {
            var client = new BatchClient(emulator.BaseUri, new AzureNamedKeyCredential(Account, _key));
            var jobs = new List<string>();
            await foreach (var job in client.GetJobsAsync()) jobs.Add(job.Id!);
            Assert.Equal(new[] { "kept" }, jobs);
        }
    }

    private static async Task<bool> JobExistsAsync(BatchClient client, string jobId)
    {
        try { await client.GetJobAsync(jobId); return true; }
        catch (RequestFailedException e) when (e.Status == 404) { return false; }
    }

    private static async Task<BatchNode?> FirstNodeAsync(BatchClient client, string poolId)
    {
        await foreach (var node in client.GetNodesAsync(poolId)) return node;
        return null;
    }

    private static BatchPoolCreateOptions NewPool(string poolId, int nodes, int slots) => new(poolId, "standard_d2s_v3")
    {
        VirtualMachineConfiguration = new VirtualMachineConfiguration(
            new BatchVmImageReference { Publisher = "canonical", Offer = "0001-com-ubuntu-server-jammy", Sku = "22_04-lts" }, "batch.node.ubuntu 22.04"),
        TargetDedicatedNodes = nodes,
        TaskSlotsPerNode = slots,
    };

    /// <summary>The emulator executable, as the module starts it: dotnet BatchWords.Emulator.dll, key in its environment.</summary>
    private async Task<(Process Process, Uri Endpoint)> StartExecutableAsync()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "BatchWords.Emulator.dll"), "--account", Account, "--data", _data })
            info.ArgumentList.Add(argument);
        info.Environment["BATCHWORDS_EMULATOR_KEY"] = _key;
        info.Environment.Remove("BATCHWORDS_EMULATOR_FAULTS");
        var process = Process.Start(info)!;
        _emulators.Add(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(line);
        return (process, new Uri(line![(line.IndexOf("http", StringComparison.Ordinal))..]));
    }
}
