using Azure;
using Azure.Core;

namespace BatchWords.Batch;

// Pools and account-level reads (batch-rest-api.md §2.1).
public partial class BatchClient
{
    /// <summary>POST /pools (201). 409 PoolExists when the id is taken.</summary>
    public virtual Response CreatePool(BatchPoolCreateOptions pool, CancellationToken cancellationToken = default) =>
        EnsureCompleted(CreatePoolCoreAsync(pool, async: false, cancellationToken));

    /// <inheritdoc cref="CreatePool"/>
    public virtual Task<Response> CreatePoolAsync(BatchPoolCreateOptions pool, CancellationToken cancellationToken = default) =>
        CreatePoolCoreAsync(pool, async: true, cancellationToken).AsTask();

    private async ValueTask<Response> CreatePoolCoreAsync(BatchPoolCreateOptions pool, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        using var message = CreateMessage(RequestMethod.Post, Created201, "pools");
        SetJsonBody(message, pool);
        return await SendAsync(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /pools/{poolId}. 404 PoolNotFound.</summary>
    public virtual Response<BatchPool> GetPool(string poolId, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        EnsureCompleted(GetPoolCoreAsync(poolId, select, async: false, cancellationToken));

    /// <inheritdoc cref="GetPool"/>
    public virtual Task<Response<BatchPool>> GetPoolAsync(string poolId, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        GetPoolCoreAsync(poolId, select, async: true, cancellationToken).AsTask();

    private async ValueTask<Response<BatchPool>> GetPoolCoreAsync(string poolId, IEnumerable<string>? select, bool async, CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "pools", poolId);
        AddSelect(message, select);
        return await SendAndReadAsync<BatchPool>(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>HEAD /pools/{poolId}: true on 200, false on 404 (a deleting pool still exists).</summary>
    public virtual Response<bool> PoolExists(string poolId, CancellationToken cancellationToken = default) =>
        EnsureCompleted(PoolExistsCoreAsync(poolId, async: false, cancellationToken));

    /// <inheritdoc cref="PoolExists"/>
    public virtual Task<Response<bool>> PoolExistsAsync(string poolId, CancellationToken cancellationToken = default) =>
        PoolExistsCoreAsync(poolId, async: true, cancellationToken).AsTask();

    private async ValueTask<Response<bool>> PoolExistsCoreAsync(string poolId, bool async, CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        using var message = CreateMessage(RequestMethod.Head, Exists200Or404, "pools", poolId);
        var response = await SendAsync(message, async, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(response.Status == 200, response);
    }

    /// <summary>GET /pools, following every nextLink.</summary>
    public virtual Pageable<BatchPool> GetPools(int? maxresults = null, string? filter = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        CreatePageable<BatchPool>(ListRequest(maxresults, filter, select, "pools"), cancellationToken);

    /// <inheritdoc cref="GetPools"/>
    public virtual AsyncPageable<BatchPool> GetPoolsAsync(int? maxresults = null, string? filter = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        CreateAsyncPageable<BatchPool>(ListRequest(maxresults, filter, select, "pools"), cancellationToken);

    /// <summary>
    /// DELETE /pools/{poolId} (202): the pool goes to "deleting" and disappears later. Azure.Compute.Batch beta.3
    /// returns a long-running operation here; this client returns the 202 and leaves waiting to the caller.
    /// </summary>
    public virtual Response DeletePool(string poolId, CancellationToken cancellationToken = default) =>
        EnsureCompleted(DeletePoolCoreAsync(poolId, async: false, cancellationToken));

    /// <inheritdoc cref="DeletePool"/>
    public virtual Task<Response> DeletePoolAsync(string poolId, CancellationToken cancellationToken = default) =>
        DeletePoolCoreAsync(poolId, async: true, cancellationToken).AsTask();

    private async ValueTask<Response> DeletePoolCoreAsync(string poolId, bool async, CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        using var message = CreateMessage(RequestMethod.Delete, Accepted202, "pools", poolId);
        return await SendDeleteAsync(message, BatchErrorCodeStrings.PoolBeingDeleted, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /pools/{poolId}/resize (202). Only while the pool is steady and autoscale is off (409 otherwise).</summary>
    public virtual Response ResizePool(string poolId, BatchPoolResizeOptions resizeOptions, CancellationToken cancellationToken = default) =>
        EnsureCompleted(ResizePoolCoreAsync(poolId, resizeOptions, async: false, cancellationToken));

    /// <inheritdoc cref="ResizePool"/>
    public virtual Task<Response> ResizePoolAsync(string poolId, BatchPoolResizeOptions resizeOptions, CancellationToken cancellationToken = default) =>
        ResizePoolCoreAsync(poolId, resizeOptions, async: true, cancellationToken).AsTask();

    private async ValueTask<Response> ResizePoolCoreAsync(string poolId, BatchPoolResizeOptions resizeOptions, bool async,
        CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        ArgumentNullException.ThrowIfNull(resizeOptions);
        using var message = CreateMessage(RequestMethod.Post, Accepted202, "pools", poolId, "resize");
        SetJsonBody(message, resizeOptions);
        return await SendAsync(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /supportedimages, following every nextLink. Filterable on osType, verificationType, nodeAgentSKUId.</summary>
    public virtual Pageable<BatchSupportedImage> GetSupportedImages(int? maxresults = null, string? filter = null,
        CancellationToken cancellationToken = default) =>
        CreatePageable<BatchSupportedImage>(ListRequest(maxresults, filter, null, "supportedimages"), cancellationToken);

    /// <inheritdoc cref="GetSupportedImages"/>
    public virtual AsyncPageable<BatchSupportedImage> GetSupportedImagesAsync(int? maxresults = null, string? filter = null,
        CancellationToken cancellationToken = default) =>
        CreateAsyncPageable<BatchSupportedImage>(ListRequest(maxresults, filter, null, "supportedimages"), cancellationToken);
}
