using BatchWords.Batch;

namespace BatchWords;

/// <summary>Which start task output of a node to read.</summary>
public enum NodeLogStream { Stdout, Stderr }

/// <summary>A pool's compute nodes (GET /pools/{id}/nodes) and their start task logs (GET .../nodes/{id}/files/startup/...).</summary>
public sealed class NodeOperations
{
    private readonly BatchClient _client;
    private readonly BwContext _context;

    public NodeOperations(BwContext context)
    {
        _client = BatchClientFactory.Create(context);
        _context = context;
    }

    public async IAsyncEnumerable<BwNode> GetNodesAsync(string poolId, string? nodeId = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(poolId, "Pool");
        if (nodeId is not null)
        {
            var node = await BatchErrors.Guard($"Reading node '{nodeId}' of pool '{poolId}'", nodeId,
                () => _client.GetNodeAsync(poolId, nodeId, cancellationToken: cancellationToken)).ConfigureAwait(false);
            yield return ToBwNode(poolId, node.Value);
            yield break;
        }
        var nodes = new List<BatchNode>();
        await BatchErrors.Guard($"Listing the nodes of pool '{poolId}'", poolId, async () =>
        {
            await foreach (var node in _client.GetNodesAsync(poolId, cancellationToken: cancellationToken).ConfigureAwait(false)) nodes.Add(node);
        }).ConfigureAwait(false);
        foreach (var node in nodes) yield return ToBwNode(poolId, node);
    }

    /// <summary>The start task's stdout.txt or stderr.txt on the node (startup/ under the node root).</summary>
    public async Task<string> ReadStartTaskLogAsync(string poolId, string nodeId, NodeLogStream stream, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(poolId, "Pool");
        var file = stream == NodeLogStream.Stdout ? "startup/stdout.txt" : "startup/stderr.txt";
        var data = await BatchErrors.Guard($"Reading {file} of node '{nodeId}' in pool '{poolId}'", nodeId,
            () => _client.GetNodeFileAsync(poolId, nodeId, file, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return data.Value.ToString();
    }

    private BwNode ToBwNode(string poolId, BatchNode node) => new()
    {
        Context = _context,
        PoolId = poolId,
        NodeId = node.Id ?? "",
        State = node.State?.ToString(),
        IsSpot = node.IsDedicated == false,
        VmSize = node.VmSize,
        IpAddress = node.IpAddress,
        RunningTasks = node.RunningTasksCount ?? 0,
        TotalTasksRun = node.TotalTasksRun ?? 0,
        TotalTasksSucceeded = node.TotalTasksSucceeded ?? 0,
        StartTaskState = node.StartTaskInfo?.State?.ToString(),
        StartTaskResult = node.StartTaskInfo?.Result?.ToString(),
        StartTaskExitCode = node.StartTaskInfo?.ExitCode,
        StartTaskFailureCode = node.StartTaskInfo?.FailureInfo?.Code,
        StartTaskFailureMessage = node.StartTaskInfo?.FailureInfo?.Message,
        StartTaskRetryCount = node.StartTaskInfo?.RetryCount ?? 0,
        RecentTasks = node.RecentTasks?.Select(t => $"{t.JobId}/{t.TaskId}").ToList() ?? new List<string>(),
        Errors = node.Errors?.Select(e => $"{e.Code}: {e.Message}").ToList() ?? new List<string>(),
        StateTransitionTime = node.StateTransitionTime,
        AllocationTime = node.AllocationTime,
    };
}
