using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Changing a pool's size: resize to new dedicated and Spot targets, wait until the pool is steady, and autoscale
/// (enable with a formula, disable, evaluate a formula without applying it). The REST calls are Batch's own
/// (POST /pools/{id}/resize, enableautoscale, disableautoscale, evaluateautoscale).
/// </summary>
public sealed class PoolScaling
{
    public static readonly string[] DeallocationOptions = { "requeue", "terminate", "taskcompletion", "retaineddata" };
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaximumInterval = TimeSpan.FromHours(168);
    private readonly BatchClient _client;
    private readonly BwContext? _context;

    public PoolScaling(BwContext context) : this(BatchClientFactory.Create(context)) => _context = context;

    internal PoolScaling(BatchClient client) => _client = client;

    /// <summary>Batch's bounds for autoscaleEvaluationInterval, checked before a request is sent.</summary>
    public static void ValidateInterval(TimeSpan? interval)
    {
        if (interval is { } value && (value < MinimumInterval || value > MaximumInterval))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidAutoScaleEvaluationInterval", $"An autoscale evaluation interval of {value} is not allowed.", value,
                "Pass -AutoScaleEvaluationInterval between 00:05:00 and 7.00:00:00 (168 hours).");
    }

    /// <summary>POST /pools/{id}/resize with the targets given (a target left null keeps the pool's).</summary>
    public async Task ResizeAsync(PoolResizeRequest request, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(request.Id, "Pool");
        if (request.DedicatedNodeCount is null && request.SpotNodeCount is null)
            throw new BwException(BwErrorKind.InvalidArgument, "NoTargetGiven", "Neither a dedicated nor a Spot node count was given.", request.Id,
                "Pass -NodeCount, -SpotNodeCount or both.");
        foreach (var (count, name) in new[] { (request.DedicatedNodeCount, "NodeCount"), (request.SpotNodeCount, "SpotNodeCount") })
            if (count is < 0 or > 1000)
                throw new BwException(BwErrorKind.InvalidArgument, "InvalidNodeCount", $"A node count of {count} is not allowed.", count, $"Pass -{name} between 0 and 1000.");
        if (request.NodeDeallocationOption is { } option && !DeallocationOptions.Contains(option, StringComparer.Ordinal))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidNodeDeallocationOption", $"'{option}' is not a node deallocation option.", option,
                "Use requeue, terminate, taskcompletion or retaineddata.");
        if (request.ResizeTimeout is { } timeout && timeout < MinimumInterval)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidResizeTimeout", $"A resize timeout of {timeout} is not allowed.", timeout, "Pass -ResizeTimeout of at least 00:05:00.");
        var options = new BatchPoolResizeOptions
        {
            TargetDedicatedNodes = request.DedicatedNodeCount,
            TargetLowPriorityNodes = request.SpotNodeCount,
            ResizeTimeout = request.ResizeTimeout,
            // Typed null: a bare null would take the struct's implicit conversion from string (and throw).
            NodeDeallocationOption = request.NodeDeallocationOption is { } o ? new BatchNodeDeallocationOption(o) : (BatchNodeDeallocationOption?)null,
        };
        request.Log?.Invoke($"POST /pools/{request.Id}/resize (dedicated {Show(request.DedicatedNodeCount)}, Spot {Show(request.SpotNodeCount)}, {request.NodeDeallocationOption ?? "requeue"}).");
        await BatchErrors.Guard($"Resizing pool '{request.Id}'", request.Id, () => _client.ResizePoolAsync(request.Id, options, cancellationToken)).ConfigureAwait(false);
    }

    private static string Show(int? count) => count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unchanged";

    /// <summary>
    /// Polls the pool until its allocation state is steady (a resize finished; Batch then reports resizeErrors
    /// when it fell short) or the timeout passes; OperationTimeout then, naming the state it was left in.
    /// </summary>
    public async Task<BatchPool> WaitUntilSteadyAsync(string poolId, TimeSpan timeout, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var pool = (await BatchErrors.Guard($"Reading pool '{poolId}'", poolId,
                () => _client.GetPoolAsync(poolId, cancellationToken: cancellationToken)).ConfigureAwait(false)).Value;
            log?.Invoke($"Pool '{poolId}' is {pool.AllocationState}: {pool.CurrentDedicatedNodes}/{pool.TargetDedicatedNodes} dedicated, {pool.CurrentLowPriorityNodes}/{pool.TargetLowPriorityNodes} Spot.");
            if (pool.AllocationState == AllocationState.Steady) return pool;
            if (DateTime.UtcNow >= deadline)
                throw new BwException(BwErrorKind.OperationTimeout, "PoolResizeTimedOut",
                    $"Pool '{poolId}' was still {pool.AllocationState} after {timeout} ({pool.CurrentDedicatedNodes}/{pool.TargetDedicatedNodes} dedicated, {pool.CurrentLowPriorityNodes}/{pool.TargetLowPriorityNodes} Spot).",
                    poolId, "Wait longer (-Timeout), or look at the nodes with Get-BwNode.");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
        }
    }

    /// <summary>POST /pools/{id}/enableautoscale: the formula sets the targets from now on (evaluated at once, then every interval).</summary>
    public Task EnableAutoScaleAsync(string poolId, string? formula, TimeSpan? interval, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(poolId, "Pool");
        ValidateInterval(interval);
        log?.Invoke($"POST /pools/{poolId}/enableautoscale (interval {interval?.ToString() ?? "unchanged or default"}).");
        return BatchErrors.Guard($"Enabling autoscale on pool '{poolId}'", poolId, () => _client.EnablePoolAutoScaleAsync(poolId,
            new BatchPoolEnableAutoScaleOptions { AutoScaleFormula = formula, AutoScaleEvaluationInterval = interval }, cancellationToken));
    }

    /// <summary>POST /pools/{id}/disableautoscale: the pool keeps the targets the formula last set.</summary>
    public Task DisableAutoScaleAsync(string poolId, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(poolId, "Pool");
        return BatchErrors.Guard($"Disabling autoscale on pool '{poolId}'", poolId, () => _client.DisablePoolAutoScaleAsync(poolId, cancellationToken));
    }

    /// <summary>POST /pools/{id}/evaluateautoscale: what the formula would set now, without applying it.</summary>
    public async Task<BwAutoScaleRun> EvaluateAsync(string poolId, string formula, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(poolId, "Pool");
        if (string.IsNullOrWhiteSpace(formula))
            throw new BwException(BwErrorKind.InvalidArgument, "EmptyFormula", "The autoscale formula is empty.", formula, "Pass a formula such as '$TargetDedicatedNodes = 2;'.");
        var run = await BatchErrors.Guard($"Evaluating an autoscale formula on pool '{poolId}'", poolId,
            () => _client.EvaluatePoolAutoScaleAsync(poolId, new BatchPoolEvaluateAutoScaleOptions(formula), cancellationToken)).ConfigureAwait(false);
        return BwAutoScaleRun.From(poolId, run.Value, _context);
    }
}
