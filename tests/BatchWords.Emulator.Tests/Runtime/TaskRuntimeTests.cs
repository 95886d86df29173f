using Azure;
using BatchWords.Batch;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Emulator.Tests.Runtime;

/// <summary>Tasks as processes: environment, layout, exit codes, retries, timeouts, terminate, deletion, concurrency.</summary>
[Collection(RuntimeCollection.Name)]
public sealed class TaskRuntimeTests
{
    private readonly RuntimeFixture _fx;

    public TaskRuntimeTests(RuntimeFixture fixture) => _fx = fixture;

    private BatchClient Client => _fx.Client;

    [Fact]
    public async Task A_start_task_installs_a_resource_file_into_each_nodes_shared_directory_and_tasks_use_it()
    {
        var app = await _fx.Azurite.NewContainerAsync("rt-app");
        var tool = app.GetBlobClient("tool.sh");
        await tool.UploadAsync(BinaryData.FromString("#!/bin/sh\necho \"tool ran on $AZ_BATCH_NODE_ID with $1\"\n"));
        var poolId = RuntimeFixture.NewId("rt-start");
        var nodes = await _fx.CreatePoolAsync(poolId, nodes: 2, startTask: new BatchStartTask(
            "/bin/sh -c 'cp tool.sh \"$AZ_BATCH_NODE_SHARED_DIR/\" && env | grep ^AZ_BATCH_ | sort'")
        {
            ResourceFiles = new List<ResourceFile> { new() { HttpUri = AzuriteFixture.ReadSas(tool), FilePath = "tool.sh", FileMode = "0755" } },
            WaitForSuccess = true,
        });
        Assert.All(nodes, n => Assert.Equal(BatchNodeState.Idle, n.State));
        Assert.All(nodes, n => Assert.Equal(BatchTaskExecutionResult.Success, n.StartTaskInfo!.Result));

        // The start task's environment: node variables, its task dir is startup/, and no job or task ids.
        var startEnv = (await Client.GetNodeFileAsync(poolId, nodes[0].Id!, "startup/stdout.txt")).Value.ToString();
        var root = Variable(startEnv, "AZ_BATCH_NODE_ROOT_DIR");
        Assert.Equal(root + "/startup", Variable(startEnv, "AZ_BATCH_TASK_DIR"));
        Assert.Equal(root + "/startup/wd", Variable(startEnv, "AZ_BATCH_TASK_WORKING_DIR"));
        Assert.DoesNotContain("AZ_BATCH_TASK_ID=", startEnv);
        Assert.DoesNotContain("AZ_BATCH_JOB_ID=", startEnv);

        var jobId = await _fx.CreateJobAsync(poolId);
        // A bare program name is found on the task PATH, which includes the node's shared directory.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => _fx.RunAsync(jobId, new BatchTaskCreateOptions($"tool{i}", $"tool.sh arg{i}"))));
        Assert.All(results, t => Assert.Equal(BatchTaskExecutionResult.Success, t.ExecutionInfo!.Result));
        foreach (var task in results)
            Assert.Equal($"tool ran on {task.NodeInfo!.NodeId} with arg{task.Id![4..]}\n", await _fx.ReadTaskFileAsync(jobId, task.Id!, "stdout.txt"));
        await Client.DeletePoolAsync(poolId);
    }

    [Fact]
    public async Task Tasks_see_the_batch_environment_and_the_node_layout_and_nothing_of_the_emulators_own()
    {
        Environment.SetEnvironmentVariable("BW_EMULATOR_TEST_SECRET", "must-not-leak");
        var poolId = RuntimeFixture.NewId("rt-env");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId, job => job.CommonEnvironmentSettings = new List<EnvironmentSetting> { new("FROM_JOB", "job"), new("BOTH", "job") });
        var task = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("env",
            "/bin/sh -c 'env | sort; echo PWD_IS=$(pwd); ls -d \"$AZ_BATCH_NODE_ROOT_DIR\"/*/ | xargs -n1 basename | tr \"\\n\" \" \"'")
        {
            EnvironmentSettings = new List<EnvironmentSetting> { new("BOTH", "task"), new("FROM_TASK", "task") },
        });
        Assert.Equal(BatchTaskExecutionResult.Success, task.ExecutionInfo!.Result);
        var output = await _fx.ReadTaskFileAsync(jobId, "env", "stdout.txt");
        var root = Variable(output, "AZ_BATCH_NODE_ROOT_DIR");
        var taskDir = $"{root}/workitems/{jobId}/job-1/env";
        Assert.Equal(EmulatorFixture.Account, Variable(output, "AZ_BATCH_ACCOUNT_NAME"));
        Assert.Equal(_fx.Emulator.BaseUri.ToString().TrimEnd('/') + "/", Variable(output, "AZ_BATCH_ACCOUNT_URL"));
        Assert.Equal(poolId, Variable(output, "AZ_BATCH_POOL_ID"));
        Assert.Equal(task.NodeInfo!.NodeId, Variable(output, "AZ_BATCH_NODE_ID"));
        Assert.Equal(jobId, Variable(output, "AZ_BATCH_JOB_ID"));
        Assert.Equal("env", Variable(output, "AZ_BATCH_TASK_ID"));
        Assert.Equal("true", Variable(output, "AZ_BATCH_NODE_IS_DEDICATED"));
        Assert.Equal(root + "/shared", Variable(output, "AZ_BATCH_NODE_SHARED_DIR"));
        Assert.Equal(root + "/startup", Variable(output, "AZ_BATCH_NODE_STARTUP_DIR"));
        Assert.Equal(taskDir, Variable(output, "AZ_BATCH_TASK_DIR"));
        Assert.Equal(taskDir + "/wd", Variable(output, "AZ_BATCH_TASK_WORKING_DIR"));
        Assert.Equal(taskDir + "/wd", Variable(output, "PWD_IS"));
        Assert.EndsWith($":{root}/shared:{taskDir}/wd", Variable(output, "PATH"));
        Assert.Equal("PoolNonAdmin", Variable(output, "AZ_BATCH_TASK_USER_IDENTITY"));
        Assert.Equal("job", Variable(output, "FROM_JOB"));
        Assert.Equal("task", Variable(output, "FROM_TASK"));
        Assert.Equal("task", Variable(output, "BOTH")); // task settings override the job's
        Assert.DoesNotContain("must-not-leak", output);
        foreach (var directory in new[] { "shared", "startup", "workitems" }) Assert.Contains(directory + " ", output);
        Assert.StartsWith(Path.Combine(_fx.Emulator.DataDirectory, "pools", poolId), root);
        await Client.DeletePoolAsync(poolId);
    }

    [Fact]
    public async Task A_non_zero_exit_is_retried_then_fails_with_its_exit_code_and_stderr()
    {
        var poolId = RuntimeFixture.NewId("rt-exit");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId);
        var task = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("three", "/bin/sh -c 'echo attempt >&2; exit 3'")
        {
            Constraints = new BatchTaskConstraints { MaxTaskRetryCount = 2 },
        });
        var info = task.ExecutionInfo!;
        Assert.Equal(BatchTaskExecutionResult.Failure, info.Result);
        Assert.Equal(3, info.ExitCode);
        Assert.Equal(2, info.RetryCount);
        Assert.Equal("FailureExitCode", info.FailureInfo!.Code);
        Assert.Equal(BatchErrorSourceCategory.UserError, info.FailureInfo.Category);
        Assert.Equal("attempt\nattempt\nattempt\n", await _fx.ReadTaskFileAsync(jobId, "three", "stderr.txt"));

        // A program that does not exist: no exit code, no retry.
        var missing = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("missing", "no-such-program --flag")
        {
            Constraints = new BatchTaskConstraints { MaxTaskRetryCount = 3 },
        });
        Assert.Equal(BatchTaskExecutionResult.Failure, missing.ExecutionInfo!.Result);
        Assert.Equal("CommandProgramNotFound", missing.ExecutionInfo.FailureInfo!.Code);
        Assert.Null(missing.ExecutionInfo.ExitCode);
        Assert.Equal(0, missing.ExecutionInfo.RetryCount);

        // No shell unless asked for: $VAR stays literal.
        var literal = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("literal", "echo $AZ_BATCH_POOL_ID '*'"));
        Assert.Equal("$AZ_BATCH_POOL_ID *\n", await _fx.ReadTaskFileAsync(jobId, literal.Id!, "stdout.txt"));
        await Client.DeletePoolAsync(poolId);
    }

    [Fact]
    public async Task MaxWallClockTime_kills_the_task_and_ends_it_as_a_server_error()
    {
        var poolId = RuntimeFixture.NewId("rt-clock");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId);
        var task = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("slow", "/bin/sh -c 'echo $$ > shell.pid; sleep 300'")
        {
            Constraints = new BatchTaskConstraints { MaxWallClockTime = TimeSpan.FromSeconds(1), MaxTaskRetryCount = 2 },
        });
        var info = task.ExecutionInfo!;
        Assert.Equal(BatchTaskExecutionResult.Failure, info.Result);
        Assert.Equal("TaskEnded", info.FailureInfo!.Code);
        Assert.Equal(BatchErrorSourceCategory.ServerError, info.FailureInfo.Category);
        Assert.Equal(0, info.RetryCount); // a timed-out task is not retried
        var shell = int.Parse(await _fx.ReadTaskFileAsync(jobId, "slow", "wd/shell.pid"));
        await Eventually.TrueAsync(() => !RuntimeFixture.IsAlive(shell), "the timed-out process to be gone");
        await Client.DeletePoolAsync(poolId);
    }

    [Fact]
    public async Task Terminate_kills_the_whole_process_tree()
    {
        var poolId = RuntimeFixture.NewId("rt-term");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId);
        await Client.AddTaskAsync(jobId, new BatchTaskCreateOptions("tree",
            "/bin/sh -c 'sleep 300 & echo $! > child.pid; echo $$ > shell.pid; wait'"));
        var pids = await Eventually.GetAsync(async () =>
        {
            try { return (Shell: await _fx.ReadTaskFileAsync(jobId, "tree", "wd/shell.pid"), Child: await _fx.ReadTaskFileAsync(jobId, "tree", "wd/child.pid")); }
            catch (RequestFailedException) { return (Shell: "", Child: ""); }
        }, p => p.Shell.EndsWith('\n') && p.Child.EndsWith('\n'), "the task to write its pids");
        var shell = int.Parse(pids.Shell);
        var child = int.Parse(pids.Child);
        Assert.True(RuntimeFixture.IsAlive(child));

        // Core's client has no terminate-task operation (the product never sends one): raw, signed HTTP.
        using (var terminated = await _fx.Emulator.SendAsync(HttpMethod.Post, EmulatorFixture.Q($"/jobs/{jobId}/tasks/tree/terminate")))
            Assert.Equal(System.Net.HttpStatusCode.NoContent, terminated.StatusCode);
        var task = (await Client.GetTaskAsync(jobId, "tree")).Value; // completed by the time terminate answers
        Assert.Equal(BatchTaskState.Completed, task.State);
        Assert.Equal("TaskEnded", task.ExecutionInfo!.FailureInfo!.Code);
        Assert.Equal(BatchErrorSourceCategory.UserError, task.ExecutionInfo.FailureInfo.Category);
        await Eventually.TrueAsync(() => !RuntimeFixture.IsAlive(shell) && !RuntimeFixture.IsAlive(child), "no process of the task left");
        await Client.DeletePoolAsync(poolId);
    }

    [Fact]
    public async Task Deleting_a_job_kills_its_tasks_and_removes_their_directories()
    {
        var poolId = RuntimeFixture.NewId("rt-deljob");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId);
        await Client.AddTaskAsync(jobId, new BatchTaskCreateOptions("sleeper", "/bin/sh -c 'echo $$ > shell.pid; exec sleep 300'"));
        var pid = int.Parse(await Eventually.GetAsync(async () =>
        {
            try { return await _fx.ReadTaskFileAsync(jobId, "sleeper", "wd/shell.pid"); }
            catch (RequestFailedException) { return ""; }
        }, text => text.EndsWith('\n'), "the task to start"));
        var task = (await Client.GetTaskAsync(jobId, "sleeper")).Value;
        var root = Path.Combine(_fx.Emulator.DataDirectory, "pools", poolId, task.NodeInfo!.NodeId!);
        Assert.True(Directory.Exists(Path.Combine(root, "workitems", jobId)));

        await Client.DeleteJobAsync(jobId);
        await Eventually.TrueAsync(() => !RuntimeFixture.IsAlive(pid), "the task process to be killed");
        await Eventually.GetAsync(async () =>
        {
            try { await Client.GetJobAsync(jobId); return false; }
            catch (RequestFailedException e) when (e.Status == 404) { return true; }
        }, gone => gone, "the job to disappear");
        Assert.False(Directory.Exists(Path.Combine(root, "workitems", jobId)));

        await Client.DeletePoolAsync(poolId);
        await Eventually.TrueAsync(() => !Directory.Exists(root), "the node sandbox to be deleted");
    }

    [Fact]
    public async Task Terminating_a_job_ends_its_running_tasks()
    {
        var poolId = RuntimeFixture.NewId("rt-termjob");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId);
        await Client.AddTaskAsync(jobId, new BatchTaskCreateOptions("running", "sleep 300"));
        await _fx.WaitForStateAsync(jobId, "running", BatchTaskState.Running);
        await Client.TerminateJobAsync(jobId);
        var job = await Eventually.GetAsync(async () => (await Client.GetJobAsync(jobId)).Value, j => j.State == BatchJobState.Completed, "the job to complete");
        Assert.Equal("UserTerminate", job.ExecutionInfo!.TerminateReason);
        var task = (await Client.GetTaskAsync(jobId, "running")).Value;
        Assert.Equal("TaskEnded", task.ExecutionInfo!.FailureInfo!.Code);
        await Client.DeletePoolAsync(poolId);
    }

    [Fact]
    public async Task Concurrency_is_bounded_by_nodes_times_slots()
    {
        var poolId = RuntimeFixture.NewId("rt-slots");
        await _fx.CreatePoolAsync(poolId, nodes: 2, slots: 2);
        var marks = Path.Combine(Path.GetTempPath(), $"bw-concurrency-{Guid.NewGuid():N}");
        Directory.CreateDirectory(marks);
        try
        {
            var jobId = await _fx.CreateJobAsync(poolId, job => job.CommonEnvironmentSettings = new List<EnvironmentSetting> { new("MARKS", marks) });
            // Each task counts the tasks inside the same window as itself: that count can only be at most the real concurrency.
            var script = "/bin/sh -c 'touch \"$MARKS/$AZ_BATCH_TASK_ID\"; ls \"$MARKS\" | grep -c ^t >> \"$MARKS.counts\"; sleep 0.2; rm \"$MARKS/$AZ_BATCH_TASK_ID\"'";
            var result = await Client.CreateTasksAsync(jobId, Enumerable.Range(0, 12).Select(i => new BatchTaskCreateOptions($"t{i}", script)));
            Assert.Equal(12, result.PassCount);
            await Eventually.GetAsync(async () => (await Client.GetJobTaskCountsAsync(jobId)).Value.TaskCounts!.Completed, n => n == 12, "all tasks to complete");
            var counts = File.ReadAllLines(marks + ".counts").Select(int.Parse).ToList();
            Assert.Equal(12, counts.Count);
            Assert.InRange(counts.Max(), 1, 4);

            var nodes = new List<BatchNode>();
            await foreach (var node in Client.GetNodesAsync(poolId)) nodes.Add(node);
            Assert.Equal(12, nodes.Sum(n => n.TotalTasksRun));
            Assert.All(nodes, n => Assert.Equal(0, n.RunningTaskSlotsCount));
            Assert.All(nodes, n => Assert.NotEmpty(n.RecentTasks!));
        }
        finally
        {
            Directory.Delete(marks, recursive: true);
            File.Delete(marks + ".counts");
            await Client.DeletePoolAsync(poolId);
        }
    }

    [Fact]
    public async Task A_failing_start_task_makes_the_node_unusable_and_tasks_stay_active()
    {
        var poolId = RuntimeFixture.NewId("rt-badstart");
        var nodes = await _fx.CreatePoolAsync(poolId, nodes: 1, startTask: new BatchStartTask("/bin/sh -c 'echo cannot install >&2; exit 7'")
        {
            WaitForSuccess = true,
            MaxTaskRetryCount = 1,
        });
        var node = Assert.Single(nodes);
        Assert.Equal(BatchNodeState.StartTaskFailed, node.State);
        var info = node.StartTaskInfo!;
        Assert.Equal(BatchStartTaskState.Completed, info.State);
        Assert.Equal(BatchTaskExecutionResult.Failure, info.Result);
        Assert.Equal(7, info.ExitCode);
        Assert.Equal(1, info.RetryCount);
        Assert.Equal("FailureExitCode", info.FailureInfo!.Code);
        Assert.Equal("cannot install\ncannot install\n", (await Client.GetNodeFileAsync(poolId, node.Id!, "startup/stderr.txt")).Value.ToString());

        var jobId = await _fx.CreateJobAsync(poolId);
        await Client.AddTaskAsync(jobId, new BatchTaskCreateOptions("never", "true"));
        // Nothing can run it; a later pass of the scheduler must not change that.
        await Client.AddTaskAsync(jobId, new BatchTaskCreateOptions("wake", "true"));
        Assert.Equal(BatchTaskState.Active, (await Client.GetTaskAsync(jobId, "never")).Value.State);
        await Client.DeletePoolAsync(poolId);
    }

    private static string Variable(string output, string name) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..]
        ?? throw new Xunit.Sdk.XunitException($"{name} is not in the output:\n{output}");
}
