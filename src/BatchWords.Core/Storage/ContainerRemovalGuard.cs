namespace BatchWords;

/// <summary>
/// Remove-BwContainer's guard against the tutorial's own bug (azure-batch-samples#165): a container that the start
/// task of a live pool downloads from is not removed, because nodes that join or reboot later would fail their start
/// task. Live means every pool the listing returns except those being deleted (see
/// <see cref="PoolOperations.GetStartTaskContainerUsageAsync"/>), and only containers of this context's storage
/// account count. With force the container goes anyway, with a warning that says what will break.
/// The pools are listed once per guard, at the first check (one listing with $select), so removing many containers
/// costs one request. A context without a Batch account has no pools to ask about; a listing that fails is a warning
/// and the removal goes on, because storage-only permissions are enough to delete a container.
/// </summary>
public sealed class ContainerRemovalGuard
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoUsage = new Dictionary<string, IReadOnlyList<string>>();

    private readonly PoolOperations? _pools;
    // Container -> pools whose start task downloads from it; null until the first check lists the pools.
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _usage;

    /// <summary>A guard for removals from this context's storage account, checked against its Batch account's pools.</summary>
    public ContainerRemovalGuard(BwContext context)
        : this(context.BatchEndpoint is null ? null : new PoolOperations(context)) { }

    /// <summary>With given pool operations (tests script their transport); null: no Batch account to check.</summary>
    internal ContainerRemovalGuard(PoolOperations? pools) => _pools = pools;

    /// <summary>Whether <paramref name="container"/> may be removed now, and what to tell the user either way.</summary>
    public async Task<ContainerRemovalCheck> CheckAsync(string container, bool force, CancellationToken cancellationToken = default)
    {
        if (_pools is null) return ContainerRemovalCheck.Allowed;
        if (_usage is null)
        {
            try { _usage = await _pools.GetStartTaskContainerUsageAsync(cancellationToken).ConfigureAwait(false); }
            catch (BwException e)
            {
                _usage = NoUsage;
                return new ContainerRemovalCheck(
                    $"Could not check whether a pool still uses container '{container}' ({e.Message}); removing it anyway.", null);
            }
        }
        if (!_usage.TryGetValue(container, out var pools)) return ContainerRemovalCheck.Allowed;
        var list = string.Join("', '", pools);
        if (force)
            return new ContainerRemovalCheck(
                $"Container '{container}' is used by the start task of pool(s) '{list}': nodes that join or reboot will fail their start task. Removing it because -Force was given.", null);
        return new ContainerRemovalCheck(null, new BwException(BwErrorKind.InvalidOperation, BwErrorIds.ContainerUsedByPool,
            $"Container '{container}' was not removed: the start task of pool(s) '{list}' downloads from it, so nodes that join or reboot later would fail their start task.",
            container, $"Remove the pool first (Remove-BwPool -Id {pools[0]}), or pass -Force to remove the container anyway."));
    }
}

/// <summary>What <see cref="ContainerRemovalGuard"/> decided for one container.</summary>
public sealed class ContainerRemovalCheck
{
    internal static readonly ContainerRemovalCheck Allowed = new(null, null);

    internal ContainerRemovalCheck(string? warning, BwException? refusal)
    {
        Warning = warning;
        Refusal = refusal;
    }

    /// <summary>False when the container must stay; <see cref="Refusal"/> then says why and what to do.</summary>
    public bool MayRemove => Refusal is null;

    /// <summary>What the user should know about a removal that goes ahead (forced, or not checked), or null.</summary>
    public string? Warning { get; }

    /// <summary>The ContainerUsedByPool error when the container must stay, else null.</summary>
    public BwException? Refusal { get; }
}
