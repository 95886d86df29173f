using System.Net;
using System.Text.Json.Nodes;
using Azure;
using BatchWords.Batch;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;
using static BatchWords.Emulator.Tests.Infrastructure.EmulatorFixture;

namespace BatchWords.Emulator.Tests.Contract;

/// <summary>
/// Every operation of Core's BatchClient against the emulator: each request the client sends is accepted, and each
/// response parses into the same models the client uses against Azure (enums and durations included).
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class BatchClientContractTests
{
    private readonly EmulatorFixture _emulator;
    private readonly BatchClient _client;

    public BatchClientContractTests(EmulatorFixture emulator)
    {
        _emulator = emulator;
        _client = emulator.CreateClient();
    }

    private static string NewId(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(64, stem.Length + 13)];

    private static BatchPoolCreateOptions Pool(string id, int nodes = 1, BatchStartTask? startTask = null) => new(id, "standard_d2s_v3")
    {
        VirtualMachineConfiguration = new VirtualMachineConfiguration(
            new BatchVmImageReference { Publisher = "canonical", Offer = "0001-com-ubuntu-server-jammy", Sku = "22_04-lts", Version = "latest" },
            "batch.node.ubuntu 22.04"),
        TargetDedicatedNodes = nodes,
        TaskSlotsPerNode = 2,
        TaskSchedulingPolicy = new BatchTaskSchedulingPolicy(BatchNodeFillType.Pack),
        ResizeTimeout = TimeSpan.FromMinutes(10),
        StartTask = startTask,
        Metadata = new List<MetadataItem> { new("owner", "contract-tests") },
    };

    /// <summary>The "value" array of a raw GET list response.</summary>
    private async Task<List<JsonNode>> ReadValuesAsync(string pathAndQuery)
    {
        using var response = await _emulator.SendAsync(HttpMethod.Get, pathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]!.AsArray().Select(n => n!).ToList();
    }

    /// <summary>The status and Batch error code of a raw request that is expected to fail.</summary>
    private async Task<(HttpStatusCode Status, string? Code)> SendForErrorAsync(HttpMethod method, string pathAndQuery, string? json = null)
    {
        using var response = await _emulator.SendAsync(method, pathAndQuery, json);
        return (response.StatusCode, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["code"]);
    }

    private async Task<BatchPool> WaitForSteadyAsync(string poolId) =>
        await Eventually.GetAsync(async () => (await _client.GetPoolAsync(poolId)).Value, p => p.AllocationState == AllocationState.Steady, $"pool {poolId} steady");

    private async Task<BatchTask> WaitForCompletionAsync(string jobId, string taskId) =>
        await Eventually.GetAsync(async () => (await _client.GetTaskAsync(jobId, taskId)).Value, t => t.State == BatchTaskState.Completed, $"task {taskId} completed");

    [Fact]
    public async Task Pool_operations_round_trip_through_the_client_models()
    {
        var poolId = NewId("contract-pool");
        var created = await _client.CreatePoolAsync(Pool(poolId, nodes: 1, startTask: new BatchStartTask("/bin/true") { WaitForSuccess = true, MaxTaskRetryCount = 1 }));
        Assert.Equal(201, created.Status);
        using (var exists = await _emulator.SendAsync(HttpMethod.Head, Q($"/pools/{poolId}"))) Assert.Equal(HttpStatusCode.OK, exists.StatusCode);
        using (var missing = await _emulator.SendAsync(HttpMethod.Head, Q($"/pools/{NewId("missing")}"))) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var pool = await WaitForSteadyAsync(poolId);
        Assert.Equal(poolId, pool.Id);
        Assert.Equal(BatchPoolState.Active, pool.State);
        Assert.Equal(TimeSpan.FromMinutes(10), pool.ResizeTimeout);
        Assert.Equal(BatchNodeFillType.Pack, pool.TaskSchedulingPolicy!.NodeFillType);
        Assert.Equal("batch.node.ubuntu 22.04", pool.VirtualMachineConfiguration!.NodeAgentSkuId);
        Assert.Equal(1, pool.CurrentDedicatedNodes);
        Assert.Equal("/bin/true", pool.StartTask!.CommandLine);
        Assert.Equal("contract-tests", Assert.Single(pool.Metadata!).Value);
        Assert.StartsWith("0x", pool.ETag);

        var listed = new List<BatchPool>();
        await foreach (var p in _client.GetPoolsAsync(filter: $"id eq '{poolId}'", select: new[] { "id", "state", "allocationState" })) listed.Add(p);
        var only = Assert.Single(listed);
        Assert.Null(only.VmSize); // not selected

        var node = await Eventually.GetAsync(async () =>
        {
            var nodes = new List<BatchNode>();
            await foreach (var n in _client.GetNodesAsync(poolId, select: new[] { "id", "state", "startTaskInfo" })) nodes.Add(n);
            return nodes;
        }, nodes => nodes.Count == 1 && nodes[0].State == BatchNodeState.Idle, "the node to go idle");
        var info = node[0].StartTaskInfo!;
        Assert.Equal(BatchStartTaskState.Completed, info.State);
        Assert.Equal(BatchTaskExecutionResult.Success, info.Result);
        Assert.Equal(0, info.ExitCode);

        var full = (await _client.GetNodeAsync(poolId, node[0].Id!)).Value;
        Assert.Equal(SchedulingState.Enabled, full.SchedulingState);
        Assert.True(full.IsDedicated);
        Assert.Equal("", (await _client.GetNodeFileAsync(poolId, full.Id!, "startup/stdout.txt")).Value.ToString());

        Assert.Equal(202, (await _client.ResizePoolAsync(poolId, new BatchPoolResizeOptions { TargetDedicatedNodes = 2, NodeDeallocationOption = BatchNodeDeallocationOption.TaskCompletion })).Status);
        var resized = await Eventually.GetAsync(async () => (await _client.GetPoolAsync(poolId)).Value,
            p => p.AllocationState == AllocationState.Steady && p.CurrentDedicatedNodes == 2, "the resize to 2 nodes");
        Assert.Equal(2, resized.TargetDedicatedNodes);

        Assert.Equal(202, (await _client.DeletePoolAsync(poolId)).Status);
        // Bounded: a pool stuck in "deleting" fails here, naming its state, instead of polling forever.
        await Eventually.GetAsync(async () =>
        {
            try
            {
                var p = (await _client.GetPoolAsync(poolId)).Value;
                return $"{p.State}/{p.AllocationState}, {p.CurrentDedicatedNodes} node(s)";
            }
            catch (RequestFailedException e) when (e.Status == 404) { return null; }
        }, state => state is null, $"pool {poolId} to disappear");
        var gone = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetPoolAsync(poolId));
        Assert.Equal(BatchErrorCodeStrings.PoolNotFound, gone.ErrorCode);
    }

    [Fact]
    public async Task Supported_images_parse_and_filter_as_the_image_selector_asks()
    {
        var images = new List<BatchSupportedImage>();
        await foreach (var image in _client.GetSupportedImagesAsync(filter: "verificationType eq 'verified'")) images.Add(image);
        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.Equal(ImageVerificationType.Verified, i.VerificationType));
        Assert.All(images, i => Assert.Equal(OSType.Linux, i.OsType));
        Assert.Contains(images, i => i.NodeAgentSkuId == "batch.node.ubuntu 24.04");
        Assert.All(images, i => Assert.NotNull(i.BatchSupportEndOfLife));

        // New-BwPool's default image (publisher/offer/sku prefix) must be one the emulator offers, or Local pools fail.
        var parts = new PoolRequest { Id = "any" }.Image.Split('/');
        Assert.Contains(images, i => string.Equals(i.ImageReference!.Publisher, parts[0], StringComparison.OrdinalIgnoreCase)
            && string.Equals(i.ImageReference.Offer, parts[1], StringComparison.OrdinalIgnoreCase)
            && i.ImageReference.Sku!.StartsWith(parts[2], StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Job_and_task_operations_round_trip_through_the_client_models()
    {
        var poolId = NewId("contract-jobs");
        await _client.CreatePoolAsync(Pool(poolId));
        var jobId = NewId("contract-job");
        var job = new BatchJobCreateOptions(jobId, new BatchPoolInfo { PoolId = poolId })
        {
            OnAllTasksComplete = BatchAllTasksCompleteMode.NoAction,
            Constraints = new BatchJobConstraints { MaxTaskRetryCount = 1, MaxWallClockTime = TimeSpan.FromHours(6) },
            CommonEnvironmentSettings = new List<EnvironmentSetting> { new("RUN_ID", "42") },
        };
        Assert.Equal(201, (await _client.CreateJobAsync(job)).Status);
        var exists = await Assert.ThrowsAsync<RequestFailedException>(() => _client.CreateJobAsync(job));
        Assert.Equal(BatchErrorCodeStrings.JobExists, exists.ErrorCode);

        var read = (await _client.GetJobAsync(jobId)).Value;
        Assert.Equal(BatchJobState.Active, read.State);
        Assert.Equal(TimeSpan.FromHours(6), read.Constraints!.MaxWallClockTime);
        Assert.Equal(BatchTaskFailureMode.NoAction, read.OnTaskFailure);
        Assert.Null(read.PreviousState);

        await _client.AddTaskAsync(jobId, new BatchTaskCreateOptions("single", "/bin/sh -c 'echo $RUN_ID'")
        {
            Constraints = new BatchTaskConstraints { MaxWallClockTime = TimeSpan.FromMinutes(5), RetentionTime = TimeSpan.FromDays(1) },
            UserIdentity = new UserIdentity { AutoUser = new AutoUserSpecification { Scope = AutoUserScope.Task, ElevationLevel = ElevationLevel.NonAdmin } },
        });
        var collection = await _client.CreateTasksAsync(jobId, new[]
        {
            new BatchTaskCreateOptions("c1", "/bin/sh -c 'exit 0'"),
            new BatchTaskCreateOptions("c2", "/bin/sh -c 'echo oops >&2; exit 3'"),
            new BatchTaskCreateOptions("single", "true"),
        });
        var results = collection.Results.ToDictionary(r => r.TaskId!);
        Assert.Equal(BatchTaskAddStatus.Success, results["c1"].Status);
        Assert.NotNull(results["c1"].LastModified);
        Assert.Equal(BatchTaskAddStatus.ClientError, results["single"].Status);
        Assert.Equal(BatchErrorCodeStrings.TaskExists, results["single"].Error!.Code);

        // Operations Core's client does not have (the product never sends them) go as raw, signed HTTP.
        using (var patched = await _emulator.SendAsync(HttpMethod.Patch, Q($"/jobs/{jobId}"), """{"onAllTasksComplete":"terminatejob","priority":10}"""))
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var single = await WaitForCompletionAsync(jobId, "single");
        Assert.Equal(BatchTaskExecutionResult.Success, single.ExecutionInfo!.Result);
        Assert.Equal("42\n", (await _client.GetTaskFileAsync(jobId, "single", "stdout.txt")).Value.ToString());
        Assert.Equal(TimeSpan.FromMinutes(5), single.Constraints!.MaxWallClockTime);
        Assert.Equal(AutoUserScope.Task, single.UserIdentity!.AutoUser!.Scope);
        Assert.Equal(poolId, single.NodeInfo!.PoolId);
        Assert.Equal($"workitems/{jobId}/job-1/single", single.NodeInfo.TaskRootDirectory);
        Assert.Equal(BatchTaskState.Running, single.PreviousState);

        var failed = await WaitForCompletionAsync(jobId, "c2");
        Assert.Equal(BatchTaskExecutionResult.Failure, failed.ExecutionInfo!.Result);
        Assert.Equal(3, failed.ExecutionInfo.ExitCode);
        Assert.Equal(1, failed.ExecutionInfo.RetryCount); // the job's maxTaskRetryCount
        Assert.NotNull(failed.ExecutionInfo.LastRetryTime);
        Assert.Equal(BatchErrorSourceCategory.UserError, failed.ExecutionInfo.FailureInfo!.Category);
        Assert.Equal("FailureExitCode", failed.ExecutionInfo.FailureInfo.Code);
        Assert.Equal("oops\noops\n", (await _client.GetTaskFileAsync(jobId, "c2", "stderr.txt")).Value.ToString()); // stderr kept across the retry
        Assert.Equal("oops", (await _client.GetTaskFileAsync(jobId, "c2", "stderr.txt", ocpRange: "bytes=5-8")).Value.ToString());

        // What TaskWaiter sends: completed tasks with TaskMapper's $select, then the others with id,state.
        var completed = new List<BatchTask>();
        await foreach (var t in _client.GetTasksAsync(jobId, filter: "state eq 'completed'", select: "id,state,creationTime,resourceFiles,outputFiles,executionInfo,nodeInfo".Split(',')))
            completed.Add(t);
        Assert.Equal(3, completed.Count);
        Assert.All(completed, t => Assert.Null(t.CommandLine));
        var failures = new List<BatchTask>();
        await foreach (var t in _client.GetTasksAsync(jobId, filter: "executionInfo/result eq 'Failure'", select: new[] { "id", "state" })) failures.Add(t);
        Assert.Equal("c2", Assert.Single(failures).Id);

        var files = await ReadValuesAsync(Q($"/jobs/{jobId}/tasks/single/files", "recursive=true"));
        var stdout = Assert.Single(files, f => (string?)f["name"] == "stdout.txt");
        Assert.Equal("3", (string?)stdout["properties"]!["contentLength"]); // int64 travels as a string
        Assert.Contains(files, f => (string?)f["name"] == "wd" && (bool?)f["isDirectory"] == true);
        var wdOnly = await ReadValuesAsync(Q($"/jobs/{jobId}/tasks/single/files", "recursive=true&$filter=" + Uri.EscapeDataString("startswith(name,'wd')")));
        Assert.NotEmpty(wdOnly);
        Assert.All(wdOnly, f => Assert.StartsWith("wd", (string)f["name"]!));

        var counts = (await _client.GetJobTaskCountsAsync(jobId)).Value;
        Assert.Equal(3, counts.TaskCounts!.Completed);
        Assert.Equal(2, counts.TaskCounts.Succeeded);
        Assert.Equal(1, counts.TaskCounts.Failed);

        var ended = await Eventually.GetAsync(async () => (await _client.GetJobAsync(jobId)).Value, j => j.State == BatchJobState.Completed, "the job to complete");
        Assert.Equal("AllTasksComplete", ended.ExecutionInfo!.TerminateReason);
        Assert.NotNull(ended.ExecutionInfo.EndTime);
        Assert.Equal(10, ended.Priority);
        Assert.Equal((HttpStatusCode.Conflict, BatchErrorCodeStrings.JobCompleted),
            await SendForErrorAsync(HttpMethod.Post, Q($"/jobs/{jobId}/tasks"), """{"id":"late","commandLine":"true"}"""));

        var jobs = new List<BatchJob>();
        await foreach (var j in _client.GetJobsAsync(filter: $"id eq '{jobId}' and state eq 'completed'", select: new[] { "id", "executionInfo" })) jobs.Add(j);
        Assert.Single(jobs);

        using (var deleted = await _emulator.SendAsync(HttpMethod.Delete, Q($"/jobs/{jobId}/tasks/c1"))) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var deletedTask = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetTaskAsync(jobId, "c1"));
        Assert.Equal(BatchErrorCodeStrings.TaskNotFound, deletedTask.ErrorCode);
        Assert.Equal(202, (await _client.DeleteJobAsync(jobId)).Status);
        Assert.Equal(202, (await _client.DeletePoolAsync(poolId)).Status);
    }

    [Fact]
    public async Task Terminate_task_and_terminate_job_through_the_client()
    {
        var jobId = NewId("contract-term");
        // No pool: the tasks stay active, which is what terminate of an unstarted task needs.
        await _client.CreateJobAsync(new BatchJobCreateOptions(jobId, new BatchPoolInfo { PoolId = NewId("absent") }));
        await _client.AddTaskAsync(jobId, new BatchTaskCreateOptions("t1", "true"));
        await _client.AddTaskAsync(jobId, new BatchTaskCreateOptions("t2", "true"));
        // Core's client has no terminate-task operation (the product never sends one): raw, signed HTTP.
        using (var terminated = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{jobId}/tasks/t1/terminate")))
            Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        var t1 = (await _client.GetTaskAsync(jobId, "t1")).Value;
        Assert.Equal(BatchTaskState.Completed, t1.State);
        Assert.Equal("TaskEnded", t1.ExecutionInfo!.FailureInfo!.Code);
        Assert.Equal((HttpStatusCode.Conflict, BatchErrorCodeStrings.TaskCompleted),
            await SendForErrorAsync(HttpMethod.Post, Q($"/jobs/{jobId}/tasks/t1/terminate")));

        Assert.Equal(202, (await _client.TerminateJobAsync(jobId, new BatchJobTerminateOptions { TerminateReason = "ContractTest" })).Status);
        var job = await Eventually.GetAsync(async () => (await _client.GetJobAsync(jobId)).Value, j => j.State == BatchJobState.Completed, "the job to complete");
        Assert.Equal("ContractTest", job.ExecutionInfo!.TerminateReason);
        Assert.Equal(BatchTaskState.Active, (await _client.GetTaskAsync(jobId, "t2")).Value.State); // active tasks stay active
        await _client.DeleteJobAsync(jobId);
    }

    [Fact]
    public async Task CreateTasks_adds_250_tasks_in_chunks()
    {
        var jobId = NewId("contract-many");
        await _client.CreateJobAsync(new BatchJobCreateOptions(jobId, new BatchPoolInfo { PoolId = NewId("absent") }));
        var tasks = Enumerable.Range(0, 250).Select(i => new BatchTaskCreateOptions($"task{i:D3}", $"/bin/sh -c 'echo {i}'")).ToList();
        var result = await _client.CreateTasksAsync(jobId, tasks);
        Assert.Equal(250, result.PassCount);
        Assert.Empty(result.Failures);

        var listed = new List<BatchTask>();
        await foreach (var t in _client.GetTasksAsync(jobId, maxresults: 100, select: new[] { "id" })) listed.Add(t);
        // Three pages, each task exactly once (chunks go in parallel, so the creation order is not the given one).
        Assert.Equal(tasks.Select(t => t.Id).Order(), listed.Select(t => t.Id!).Order());

        // Re-sending the same tasks is harmless: TaskExists counts as added.
        var again = await _client.CreateTasksAsync(jobId, tasks.Take(120));
        Assert.Equal(120, again.PassCount);
        await _client.DeleteJobAsync(jobId);
    }

    [Fact]
    public async Task Service_errors_reach_the_client_with_their_codes()
    {
        var missingPool = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetPoolAsync("no-such-pool"));
        Assert.Equal(404, missingPool.Status);
        Assert.Equal(BatchErrorCodeStrings.PoolNotFound, missingPool.ErrorCode);

        var wrongKey = new BatchClient(_emulator.BaseUri, new AzureNamedKeyCredential(EmulatorFixture.Account, Convert.ToBase64String(new byte[32])),
            new BatchClientOptions { Retry = { MaxRetries = 0 } });
        var denied = await Assert.ThrowsAsync<RequestFailedException>(() => wrongKey.GetJobAsync("any"));
        Assert.Equal(403, denied.Status);
        Assert.Equal(BatchErrorCodeStrings.AuthenticationFailed, denied.ErrorCode);

        var older = new BatchClient(_emulator.BaseUri, new AzureNamedKeyCredential(EmulatorFixture.Account, _emulator.Key),
            new BatchClientOptions(BatchClientOptions.ServiceVersion.V2024_07_01_20_0));
        await foreach (var _ in older.GetSupportedImagesAsync()) { }
    }
}
