using Azure;
using Azure.Core;

namespace BatchWords.Batch;

// Pool autoscale (batch-rest-api.md §2.1).
public partial class BatchClient
{
    /// <summary>POST /pools/{poolId}/enableautoscale (200). At most one call per pool per 30 s on Azure.</summary>
    public virtual Task<Response> EnablePoolAutoScaleAsync(string poolId, BatchPoolEnableAutoScaleOptions options, CancellationToken cancellationToken = default) =>
        PoolActionAsync(poolId, "enableautoscale", options ?? throw new ArgumentNullException(nameof(options)), Ok200, cancellationToken).AsTask();

    /// <summary>POST /pools/{poolId}/disableautoscale (200): the pool keeps its current targets.</summary>
    public virtual Task<Response> DisablePoolAutoScaleAsync(string poolId, CancellationToken cancellationToken = default) =>
        PoolActionAsync<object>(poolId, "disableautoscale", null, Ok200, cancellationToken).AsTask();

    /// <summary>
    /// POST /pools/{poolId}/evaluateautoscale (200 AutoScaleRun): the formula's results without applying them. The
    /// pool must have autoscale enabled.
    /// </summary>
    public virtual Task<Response<AutoScaleRun>> EvaluatePoolAutoScaleAsync(string poolId, BatchPoolEvaluateAutoScaleOptions options, CancellationToken cancellationToken = default) =>
        EvaluatePoolAutoScaleCoreAsync(poolId, options, cancellationToken).AsTask();

    private async ValueTask<Response<AutoScaleRun>> EvaluatePoolAutoScaleCoreAsync(string poolId, BatchPoolEvaluateAutoScaleOptions options,
        CancellationToken cancellationToken)
    {
        ValidateId(poolId, nameof(poolId));
        ArgumentNullException.ThrowIfNull(options);
        using var message = CreateMessage(RequestMethod.Post, Ok200, "pools", poolId, "evaluateautoscale");
        SetJsonBody(message, options);
        return await SendAndReadAsync<AutoScaleRun>(message, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Response> PoolActionAsync<T>(string poolId, string action, T? body, ResponseClassifier classifier,
        CancellationToken cancellationToken) where T : class
    {
        ValidateId(poolId, nameof(poolId));
        using var message = CreateMessage(RequestMethod.Post, classifier, "pools", poolId, action);
        if (body is not null) SetJsonBody(message, body);
        return await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }
}
