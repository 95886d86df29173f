using Azure;
using Azure.Core;

namespace BatchWords.Batch;

// Compute nodes and node files (batch-rest-api.md §2.4, §2.5).
public partial class BatchClient
{
    /// <summary>GET /pools/{poolId}/nodes, following every nextLink. Filter on state or startTaskInfo/*.</summary>
    public virtual AsyncPageable<BatchNode> GetNodesAsync(string poolId, int? maxresults = null, string? filter = null,
        IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        ValidateId(poolId, nameof(poolId));
        return CreateAsyncPageable<BatchNode>(ListRequest(maxresults, filter, select, "pools", poolId, "nodes"), cancellationToken);
    }

    /// <summary>GET /pools/{poolId}/nodes/{nodeId}. 404 NodeNotFound.</summary>
    public virtual Task<Response<BatchNode>> GetNodeAsync(string poolId, string nodeId, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        GetNodeCoreAsync(poolId, nodeId, select, cancellationToken).AsTask();

    private async ValueTask<Response<BatchNode>> GetNodeCoreAsync(string poolId, string nodeId, IEnumerable<string>? select,
        CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        ValidateId(nodeId, nameof(nodeId));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "pools", poolId, "nodes", nodeId);
        AddSelect(message, select);
        return await SendAndReadAsync<BatchNode>(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /pools/{poolId}/nodes/{nodeId}/files/{filePath}: a file relative to the node root, e.g.
    /// "startup/stderr.txt" to see why a start task failed.
    /// </summary>
    public virtual Task<Response<BinaryData>> GetNodeFileAsync(string poolId, string nodeId, string filePath, string? ocpRange = null,
        CancellationToken cancellationToken = default) =>
        GetNodeFileCoreAsync(poolId, nodeId, filePath, ocpRange, cancellationToken).AsTask();

    private async ValueTask<Response<BinaryData>> GetNodeFileCoreAsync(string poolId, string nodeId, string filePath, string? ocpRange,
        CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        ValidateId(nodeId, nameof(nodeId));
        ValidateId(filePath, nameof(filePath));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "pools", poolId, "nodes", nodeId, "files", filePath);
        return await SendForFileAsync(message, ocpRange, cancellationToken).ConfigureAwait(false);
    }
}
