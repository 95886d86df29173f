namespace BatchWords;

/// <summary>How New-BwPool came by the pool it returns.</summary>
public enum PoolProvisioning
{
    /// <summary>The pool did not exist and was created.</summary>
    Created,
    /// <summary>A compatible pool with that id existed and is reused (the tutorial's "next step").</summary>
    Reused,
    /// <summary>Read with Get-BwPool; nothing was created.</summary>
    Existing,
}

/// <summary>A Batch pool as the cmdlets show it. Holds no secret (the start task's SAS URLs are not kept).</summary>
public sealed class BwPool : BwResource
{
    public required string Id { get; init; }

    /// <summary>The same value as <see cref="Id"/>, so pools bind to -PoolId by property name.</summary>
    public string PoolId => Id;

    public string? State { get; init; }
    public string? AllocationState { get; init; }
    public string? VmSize { get; init; }
    public int TargetNodes { get; init; }
    public int CurrentNodes { get; init; }

    /// <summary>Dedicated nodes the pool aims at and has now.</summary>
    public int TargetDedicatedNodes { get; init; }
    public int CurrentDedicatedNodes { get; init; }

    /// <summary>Spot (low-priority) nodes the pool aims at and has now (preempted ones included, as Batch counts them).</summary>
    public int TargetSpotNodes { get; init; }
    public int CurrentSpotNodes { get; init; }

    /// <summary>True when an autoscale formula sets the targets.</summary>
    public bool AutoScaleEnabled { get; init; }
    public string? AutoScaleFormula { get; init; }
    public TimeSpan? AutoScaleEvaluationInterval { get; init; }

    /// <summary>The last evaluation of the formula (results or error), when autoscale is on.</summary>
    public BwAutoScaleRun? LastAutoScaleRun { get; init; }
    public int TaskSlotsPerNode { get; init; }

    /// <summary>publisher/offer/sku of the node image.</summary>
    public string? Image { get; init; }
    public string? NodeAgentSkuId { get; init; }

    /// <summary>The container holding the program the start task installs (the tutorial's "application").</summary>
    public string? ApplicationContainer { get; init; }

    /// <summary>File name of the program installed into $AZ_BATCH_NODE_SHARED_DIR on each node.</summary>
    public string? Program { get; init; }

    /// <summary>SHA-256 (hex) of the installed program, checked by the start task before it installs it.</summary>
    public string? ProgramSha256 { get; init; }

    /// <summary>Node count per node state (idle, running, starttaskfailed, ...), when nodes were listed; exported (Export-Csv) as "idle 2; running 1".</summary>
    public IReadOnlyDictionary<string, int> NodeStates { get => _nodeStates; init => _nodeStates = new DisplayCounts(value.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase)); }
    private readonly DisplayCounts _nodeStates = DisplayCounts.Empty;

    /// <summary>Containers the pool's start task downloads from; deleting them breaks nodes that join later. Exported (Export-Csv) as "app; tools".</summary>
    public IReadOnlyList<string> StartTaskContainers { get => _startTaskContainers; init => _startTaskContainers = new DisplayList<string>(value); }
    private readonly DisplayList<string> _startTaskContainers = DisplayList<string>.Empty;

    /// <summary>Created, Reused or Existing: a <see cref="PoolProvisioning"/> name, as a string so ConvertTo-Json writes the name, not a number.</summary>
    public string Provisioning => ProvisioningKind.ToString();

    internal PoolProvisioning ProvisioningKind { get; init; }
    public DateTimeOffset? CreationTime { get; init; }

    public override string ToString() => Id;
}
