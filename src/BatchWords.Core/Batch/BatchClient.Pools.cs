using Azure;
using Azure.Core;

namespace BatchWords.Batch;

// Pools and account-level reads (batch-rest-api.md §2.1).
public partial class BatchClient
{
    /// <summary>POST /pools (201). 409 PoolExists when the id is taken.</summary>
    public virtual Task<Response> CreatePoolAsync(BatchPoolCreateOptions pool, CancellationToken cancellationToken = default) =>
        CreatePoolCoreAsync(pool, cancellationToken).AsTask();

    private async ValueTask<Response> CreatePoolCoreAsync(BatchPoolCreateOptions pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        using var message = CreateMessage(RequestMethod.Post, Created201, "pools");
        SetJsonBody(message, pool);
        return await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /pools/{poolId}. 404 PoolNotFound.</summary>
    public virtual Task<Response<BatchPool>> GetPoolAsync(string poolId, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        GetPoolCoreAsync(poolId, select, cancellationToken).AsTask();

    private async ValueTask<Response<BatchPool>> GetPoolCoreAsync(string poolId, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "pools", poolId);
        AddSelect(message, select);
        return await SendAndReadAsync<BatchPool>(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /pools, following every nextLink.</summary>
    public virtual AsyncPageable<BatchPool> GetPoolsAsync(int? maxresults = null, string? filter = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        CreateAsyncPageable<BatchPool>(ListRequest(maxresults, filter, select, "pools"), cancellationToken);

    /// <summary>
    /// DELETE /pools/{poolId} (202): the pool goes to "deleting" and disappears later. Azure.Compute.Batch beta.3
    /// returns a long-running operation here; this client returns the 202 and leaves waiting to the caller.
    /// </summary>
    public virtual Task<Response> DeletePoolAsync(string poolId, CancellationToken cancellationToken = default) =>
        DeletePoolCoreAsync(poolId, cancellationToken).AsTask();

    private async ValueTask<Response> DeletePoolCoreAsync(string poolId, CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        using var message = CreateMessage(RequestMethod.Delete, Accepted202, "pools", poolId);
        return await SendDeleteAsync(message, BatchErrorCodeStrings.PoolBeingDeleted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /pools/{poolId}/resize (202). Only while the pool is steady and autoscale is off (409 otherwise).</summary>
    public virtual Task<Response> ResizePoolAsync(string poolId, BatchPoolResizeOptions resizeOptions, CancellationToken cancellationToken = default) =>
        ResizePoolCoreAsync(poolId, resizeOptions, cancellationToken).AsTask();

    private async ValueTask<Response> ResizePoolCoreAsync(string poolId, BatchPoolResizeOptions resizeOptions,
        CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        ArgumentNullException.ThrowIfNull(resizeOptions);
        using var message = CreateMessage(RequestMethod.Post, Accepted202, "pools", poolId, "resize");
        SetJsonBody(message, resizeOptions);
        return await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /supportedimages, following every nextLink. Filterable on osType, verificationType, nodeAgentSKUId.</summary>
    public virtual AsyncPageable<BatchSupportedImage> GetSupportedImagesAsync(int? maxresults = null, string? filter = null,
        CancellationToken cancellationToken = default) =>
        CreateAsyncPageable<BatchSupportedImage>(ListRequest(maxresults, filter, null, "supportedimages"), cancellationToken);
}
