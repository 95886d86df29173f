using System.Text.Json;
using System.Text.Json.Nodes;
using BatchWords.Batch;
using BatchWords.Batch.Serialization;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// The examples of batch-rest-api.md §5 parse with the client's models, and what the models write matches the
/// wire names exactly (the node example's "…" placeholders are replaced with real times).
/// </summary>
public class BatchModelJsonTests
{
    private const string PoolCreateExample = """
        {
          "id": "emu-pool",
          "displayName": "local pool",
          "vmSize": "standard_d2s_v3",
          "virtualMachineConfiguration": {
            "imageReference": { "publisher": "canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts", "version": "latest" },
            "nodeAgentSKUId": "batch.node.ubuntu 22.04"
          },
          "targetDedicatedNodes": 2,
          "targetLowPriorityNodes": 0,
          "taskSlotsPerNode": 4,
          "taskSchedulingPolicy": { "nodeFillType": "pack" },
          "resizeTimeout": "PT15M",
          "startTask": {
            "commandLine": "/bin/bash -c \"cp $AZ_BATCH_TASK_WORKING_DIR/tool.sh $AZ_BATCH_NODE_SHARED_DIR/\"",
            "resourceFiles": [
              { "httpUrl": "https://example.blob.core.windows.net/tools/tool.sh?sv=2025-01-05&sig=abc%2Bdef", "filePath": "tool.sh", "fileMode": "0755" }
            ],
            "environmentSettings": [ { "name": "STAGE", "value": "setup" } ],
            "userIdentity": { "autoUser": { "scope": "pool", "elevationLevel": "admin" } },
            "waitForSuccess": true,
            "maxTaskRetryCount": 1
          },
          "metadata": [ { "name": "owner", "value": "me" } ]
        }
        """;

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, BatchJson.Options)!;

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, BatchJson.Options);

    [Fact]
    public void PoolCreateExampleRoundTripsExactly()
    {
        var pool = Read<BatchPoolCreateOptions>(PoolCreateExample);

        Assert.Equal("batch.node.ubuntu 22.04", pool.VirtualMachineConfiguration!.NodeAgentSkuId);
        Assert.Equal(TimeSpan.FromMinutes(15), pool.ResizeTimeout);
        Assert.Equal(BatchNodeFillType.Pack, pool.TaskSchedulingPolicy!.NodeFillType);
        Assert.Equal(ElevationLevel.Admin, pool.StartTask!.UserIdentity!.AutoUser!.ElevationLevel);
        Assert.Equal("0755", pool.StartTask.ResourceFiles![0].FileMode);

        // Writing it back gives the same document: exact names, no extra nulls, the SAS URL byte for byte.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(PoolCreateExample), JsonNode.Parse(Write(pool))), Write(pool));
    }

    [Fact]
    public void PoolAsReturnedParsesIgnoringOdataMetadata()
    {
        var pool = Read<BatchPool>("""
            {
              "odata.metadata": "https://acct.eastus.batch.azure.com/$metadata#pools/@Element",
              "id": "emu-pool", "url": "https://acct.eastus.batch.azure.com/pools/emu-pool", "eTag": "0x8DDB8A1C2F3E4A1",
              "lastModified": "2025-07-01T12:00:00.0000000Z", "creationTime": "2025-07-01T12:00:00.0000000Z",
              "state": "active", "stateTransitionTime": "2025-07-01T12:00:00.0000000Z",
              "allocationState": "steady", "allocationStateTransitionTime": "2025-07-01T12:03:10.0000000Z",
              "vmSize": "standard_d2s_v3", "resizeTimeout": "PT15M",
              "currentDedicatedNodes": 2, "currentLowPriorityNodes": 0, "targetDedicatedNodes": 2, "targetLowPriorityNodes": 0,
              "enableAutoScale": false, "enableInterNodeCommunication": false, "taskSlotsPerNode": 4,
              "taskSchedulingPolicy": { "nodeFillType": "pack" },
              "virtualMachineConfiguration": { "imageReference": { "publisher": "canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts", "version": "latest" }, "nodeAgentSKUId": "batch.node.ubuntu 22.04" }
            }
            """);

        Assert.Equal(BatchPoolState.Active, pool.State);
        Assert.Equal(AllocationState.Steady, pool.AllocationState);
        Assert.Equal("0x8DDB8A1C2F3E4A1", pool.ETag);
        Assert.Equal(2, pool.CurrentDedicatedNodes);
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 12, 3, 10, TimeSpan.Zero), pool.AllocationStateTransitionTime);
        Assert.Equal("22_04-lts", pool.VirtualMachineConfiguration!.ImageReference.Sku);
    }

    [Fact]
    public void JobExampleParsesWithUnlimitedDurationAndStates()
    {
        var job = Read<BatchJob>("""
            {
              "id": "job-1", "url": "https://acct.eastus.batch.azure.com/jobs/job-1",
              "eTag": "0x8DDB8A1D00000A0", "lastModified": "2025-07-01T12:05:00.0000000Z",
              "creationTime": "2025-07-01T12:05:00.0000000Z",
              "state": "completed", "stateTransitionTime": "2025-07-01T13:00:00.0000000Z",
              "previousState": "active", "previousStateTransitionTime": "2025-07-01T12:05:00.0000000Z",
              "priority": 0, "maxParallelTasks": -1, "allowTaskPreemption": false, "usesTaskDependencies": false,
              "constraints": { "maxWallClockTime": "P10675199DT2H48M5.4775807S", "maxTaskRetryCount": 0 },
              "poolInfo": { "poolId": "emu-pool" },
              "onAllTasksComplete": "terminatejob", "onTaskFailure": "noaction",
              "executionInfo": { "startTime": "2025-07-01T12:05:00.0000000Z", "endTime": "2025-07-01T13:00:00.0000000Z",
                                 "poolId": "emu-pool", "terminateReason": "AllTasksComplete" }
            }
            """);

        Assert.Equal(BatchJobState.Completed, job.State);
        Assert.Equal(BatchJobState.Active, job.PreviousState);
        Assert.Equal(TimeSpan.MaxValue, job.Constraints!.MaxWallClockTime);
        Assert.Equal(BatchAllTasksCompleteMode.TerminateJob, job.OnAllTasksComplete);
        Assert.Equal(BatchTaskFailureMode.NoAction, job.OnTaskFailure);
        Assert.Equal("AllTasksComplete", job.ExecutionInfo!.TerminateReason);
        Assert.Equal(-1, job.MaxParallelTasks);
    }

    [Fact]
    public void JobCreateWritesOnlyWhatIsSet()
    {
        var json = Write(new BatchJobCreateOptions("job-1", new BatchPoolInfo { PoolId = "emu-pool" })
        {
            OnAllTasksComplete = BatchAllTasksCompleteMode.NoAction,
            Constraints = new BatchJobConstraints { MaxWallClockTime = TimeSpan.FromHours(6), MaxTaskRetryCount = 2 },
        });

        Assert.Equal("""{"id":"job-1","constraints":{"maxWallClockTime":"PT6H","maxTaskRetryCount":2},"poolInfo":{"poolId":"emu-pool"},"onAllTasksComplete":"noaction"}""", json);
    }

    [Fact]
    public void TaskExampleParsesIncludingExecutionAndNodeInfo()
    {
        var task = Read<BatchTask>("""
            {
              "id": "task-0001", "url": "https://acct.eastus.batch.azure.com/jobs/job-1/tasks/task-0001",
              "eTag": "0x8DDB8A1F0000ABCD", "creationTime": "2025-07-01T12:06:00.0000000Z", "lastModified": "2025-07-01T12:06:00.0000000Z",
              "state": "completed", "stateTransitionTime": "2025-07-01T12:07:41.5000000Z",
              "previousState": "running", "previousStateTransitionTime": "2025-07-01T12:06:02.0000000Z",
              "commandLine": "/bin/sh -c 'python3 run.py --frame 1 > result.json'",
              "userIdentity": { "autoUser": { "scope": "task", "elevationLevel": "nonadmin" } },
              "constraints": { "maxWallClockTime": "PT30M", "retentionTime": "P1D", "maxTaskRetryCount": 3 },
              "requiredSlots": 1,
              "executionInfo": {
                "startTime": "2025-07-01T12:07:30.0000000Z", "endTime": "2025-07-01T12:07:41.5000000Z",
                "exitCode": 2, "result": "failure",
                "failureInfo": { "category": "usererror", "code": "FailureExitCode", "message": "The task process exited with an unexpected exit code" },
                "retryCount": 3, "lastRetryTime": "2025-07-01T12:07:30.0000000Z", "requeueCount": 0
              },
              "nodeInfo": {
                "affinityId": "TVM:tvm-1234567890_1-20250701t120000z",
                "nodeUrl": "https://acct.eastus.batch.azure.com/pools/emu-pool/nodes/tvm-1234567890_1-20250701t120000z",
                "poolId": "emu-pool", "nodeId": "tvm-1234567890_1-20250701t120000z",
                "taskRootDirectory": "workitems/job-1/job-1/task-0001",
                "taskRootDirectoryUrl": "https://acct.eastus.batch.azure.com/pools/emu-pool/nodes/tvm-1234567890_1-20250701t120000z/files/workitems/job-1/job-1/task-0001"
              }
            }
            """);

        Assert.Equal(BatchTaskState.Completed, task.State);
        Assert.Equal(BatchTaskState.Running, task.PreviousState);
        Assert.Equal(AutoUserScope.Task, task.UserIdentity!.AutoUser!.Scope);
        Assert.Equal(TimeSpan.FromDays(1), task.Constraints!.RetentionTime);
        var info = task.ExecutionInfo!;
        Assert.Equal(2, info.ExitCode);
        Assert.Equal(BatchTaskExecutionResult.Failure, info.Result);
        Assert.Equal(BatchErrorSourceCategory.UserError, info.FailureInfo!.Category);
        Assert.Equal("FailureExitCode", info.FailureInfo.Code);
        Assert.Equal(3, info.RetryCount);
        Assert.Equal("workitems/job-1/job-1/task-0001", task.NodeInfo!.TaskRootDirectory);
    }

    [Fact]
    public void TaskCreateExampleRoundTripsExactly()
    {
        const string example = """
            {
              "id": "task-0001",
              "displayName": "render frame 1",
              "commandLine": "/bin/sh -c 'python3 run.py --frame 1 > result.json'",
              "resourceFiles": [
                { "storageContainerUrl": "https://acct.blob.core.windows.net/inputs?sv=2025-01-05&sp=rl&sig=x", "blobPrefix": "frame1/", "filePath": "in" },
                { "httpUrl": "https://acct.blob.core.windows.net/code/run.py?sv=2025-01-05&sig=y", "filePath": "run.py" }
              ],
              "outputFiles": [
                { "filePattern": "result.json",
                  "destination": { "container": { "containerUrl": "https://acct.blob.core.windows.net/out?sv=2025-01-05&sp=w&sig=z", "path": "task-0001/result.json" } },
                  "uploadOptions": { "uploadCondition": "tasksuccess" } },
                { "filePattern": "../std*.txt",
                  "destination": { "container": { "containerUrl": "https://acct.blob.core.windows.net/out?sv=2025-01-05&sp=w&sig=z", "path": "task-0001/logs" } },
                  "uploadOptions": { "uploadCondition": "taskcompletion" } }
              ],
              "environmentSettings": [ { "name": "FRAME", "value": "1" } ],
              "constraints": { "maxWallClockTime": "PT30M", "retentionTime": "P1D", "maxTaskRetryCount": 3 },
              "requiredSlots": 1,
              "userIdentity": { "autoUser": { "scope": "task", "elevationLevel": "nonadmin" } }
            }
            """;

        var task = Read<BatchTaskCreateOptions>(example);

        Assert.Equal(OutputFileUploadCondition.TaskCompletion, task.OutputFiles![1].UploadOptions.UploadCondition);
        Assert.Equal("in", task.ResourceFiles![0].FilePath);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(example), JsonNode.Parse(Write(task))), Write(task));
    }

    [Fact]
    public void NodeExampleParses()
    {
        var node = Read<BatchNode>("""
            {
              "id": "tvm-1234567890_1-20250701t120000z",
              "url": "https://acct.eastus.batch.azure.com/pools/emu-pool/nodes/tvm-1234567890_1-20250701t120000z",
              "state": "running", "schedulingState": "enabled",
              "stateTransitionTime": "2025-07-01T12:06:02.0000000Z",
              "lastBootTime": "2025-07-01T12:01:00.0000000Z", "allocationTime": "2025-07-01T12:00:30.0000000Z",
              "ipAddress": "10.0.0.4", "affinityId": "TVM:tvm-1234567890_1-20250701t120000z",
              "vmSize": "standard_d2s_v3", "isDedicated": true,
              "totalTasksRun": 12, "totalTasksSucceeded": 11, "runningTasksCount": 2, "runningTaskSlotsCount": 2,
              "recentTasks": [ { "taskUrl": "https://acct/jobs/job-1/tasks/task-0001", "jobId": "job-1", "taskId": "task-0001",
                                 "taskState": "running", "executionInfo": { "retryCount": 0, "requeueCount": 0, "startTime": "2025-07-01T12:06:02.0000000Z" } } ],
              "startTask": { "commandLine": "/bin/sh -c true", "waitForSuccess": true, "maxTaskRetryCount": 1 },
              "startTaskInfo": { "state": "completed", "startTime": "2025-07-01T12:01:10.0000000Z", "endTime": "2025-07-01T12:01:20.0000000Z",
                                 "exitCode": 0, "retryCount": 0, "result": "success" },
              "nodeAgentInfo": { "version": "1.x.y", "lastUpdateTime": "2025-07-01T12:01:00.0000000Z" }
            }
            """);

        Assert.Equal(BatchNodeState.Running, node.State);
        Assert.Equal(SchedulingState.Enabled, node.SchedulingState);
        Assert.Equal(BatchStartTaskState.Completed, node.StartTaskInfo!.State);
        Assert.Equal(BatchTaskExecutionResult.Success, node.StartTaskInfo.Result);
        Assert.True(node.StartTask!.WaitForSuccess);
        Assert.Equal(BatchTaskState.Running, Assert.Single(node.RecentTasks!).TaskState);
        Assert.Equal(12, node.TotalTasksRun);
    }

    [Fact]
    public void AddCollectionResultParsesAllThreeStatuses()
    {
        var result = Read<BatchCreateTaskCollectionResult>("""
            { "value": [
              { "status": "success", "taskId": "task-0001", "eTag": "0x8DDB8A1E11112222",
                "lastModified": "2025-07-01T12:06:00.0000000Z",
                "location": "https://acct.eastus.batch.azure.com/jobs/job-1/tasks/task-0001" },
              { "status": "clienterror", "taskId": "task-0002",
                "error": { "code": "TaskExists",
                           "message": { "lang": "en-US", "value": "The specified task already exists.\nRequestId:x\nTime:y" } } },
              { "status": "servererror", "taskId": "task-0003",
                "error": { "code": "ServerBusy", "message": { "lang": "en-US", "value": "busy" } } }
            ] }
            """);

        var items = result.Value!;
        Assert.Equal(new[] { BatchTaskAddStatus.Success, BatchTaskAddStatus.ClientError, BatchTaskAddStatus.ServerError }, items.Select(i => i.Status));
        Assert.Equal("TaskExists", items[1].Error!.Code);
        Assert.StartsWith("The specified task already exists.", items[1].Error!.Message!.Value);
        Assert.True(CreateTasksResult.IsAdded(items[1]));
        Assert.False(CreateTasksResult.IsAdded(items[2]));
    }

    [Fact]
    public void SupportedImagesFileListingAndTaskCountsParse()
    {
        var image = Read<BatchSupportedImage>("""
            { "nodeAgentSKUId": "batch.node.ubuntu 22.04",
              "imageReference": { "publisher": "canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts", "version": "latest" },
              "osType": "linux", "verificationType": "verified", "capabilities": [ "DockerCompatible" ],
              "batchSupportEndOfLife": "2027-04-30T00:00:00.0Z" }
            """);
        Assert.Equal("batch.node.ubuntu 22.04", image.NodeAgentSkuId);
        Assert.Equal(OSType.Linux, image.OsType);
        Assert.Equal(ImageVerificationType.Verified, image.VerificationType);

        var counts = Read<BatchTaskCountsResult>("""
            {"taskCounts":{"active":1,"running":2,"completed":3,"succeeded":2,"failed":1},
             "taskSlotCounts":{"active":1,"running":2,"completed":3,"succeeded":2,"failed":1}}
            """);
        Assert.Equal((1, 2, 3, 2, 1), (counts.TaskCounts!.Active, counts.TaskCounts.Running, counts.TaskCounts.Completed,
            counts.TaskCounts.Succeeded, counts.TaskCounts.Failed));
    }

    [Fact]
    public void EnumsWriteTheirExactWireStringsAndKeepUnknownValues()
    {
        Assert.Equal("""{"username":"batchuser"}""", Write(new UserIdentity { Username = "batchuser" }));
        Assert.Equal("\"waitingforstarttask\"", Write(BatchNodeState.WaitingForStartTask));
        Assert.Equal("\"clienterror\"", Write(BatchTaskAddStatus.ClientError));
        Assert.Equal("\"performexitoptionsjobaction\"", Write(BatchTaskFailureMode.PerformExitOptionsJobAction));
        Assert.Equal("\"retaineddata\"", Write(BatchNodeDeallocationOption.RetainedData));

        // A value from a newer service version survives a round trip unchanged.
        var future = Read<BatchTaskState>("\"suspended\"");
        Assert.Equal("suspended", future.ToString());
        Assert.Equal("\"suspended\"", Write(future));

        // Filters and samples write 'Failure'; comparison ignores case, the wire string does not change.
        Assert.Equal(BatchTaskExecutionResult.Failure, new BatchTaskExecutionResult("Failure"));
    }

    [Fact]
    public void ADurationThatIsNotIso8601IsAClearJsonError()
    {
        var error = Assert.Throws<JsonException>(() => Read<BatchTaskConstraints>("""{"maxWallClockTime":"00:30:00"}"""));
        Assert.Contains("00:30:00", error.Message + error.InnerException?.Message);
    }
}
