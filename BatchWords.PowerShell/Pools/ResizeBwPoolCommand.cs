using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Changes a pool's dedicated and Spot targets (Batch's POST /pools/{id}/resize; Az's Start-AzBatchPoolResize), with
/// what happens to tasks on nodes that go (-NodeDeallocationOption, named as Batch names it), and optionally waits
/// until the pool is steady.
/// </summary>
[Cmdlet(VerbsCommon.Resize, "BwPool", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#cost-spot-nodes-resizing-and-autoscale")]
[OutputType(typeof(BwPool))]
public sealed class ResizeBwPoolCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>Dedicated nodes to aim at; left out, the pool keeps its dedicated target.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int NodeCount { get; set; }

    /// <summary>Spot (low-priority) nodes to aim at; left out, the pool keeps its Spot target.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int SpotNodeCount { get; set; }

    /// <summary>For nodes that are removed: requeue their tasks (Batch's default), terminate them, let them finish (taskcompletion), or retaineddata.</summary>
    [Parameter]
    [ValidateSet("requeue", "terminate", "taskcompletion", "retaineddata")]
    public string? NodeDeallocationOption { get; set; }

    /// <summary>Batch's resizeTimeout: how long the service tries to reach the targets (at least 5 minutes).</summary>
    [Parameter]
    public TimeSpan? ResizeTimeout { get; set; }

    /// <summary>Waits until the pool's allocation state is steady.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (default 15 minutes).</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    protected override void ProcessRecordCore()
    {
        int? dedicated = MyInvocation.BoundParameters.ContainsKey(nameof(NodeCount)) ? NodeCount : null;
        int? spot = MyInvocation.BoundParameters.ContainsKey(nameof(SpotNodeCount)) ? SpotNodeCount : null;
        if (dedicated is null && spot is null)
            throw new BwException(BwErrorKind.InvalidArgument, BwErrorIds.NoTargetGiven, "Neither -NodeCount nor -SpotNodeCount was given.", Id, "Pass -NodeCount, -SpotNodeCount or both.");
        if (Timeout <= TimeSpan.Zero)
            throw new BwException(BwErrorKind.InvalidArgument, BwErrorIds.InvalidTimeout, $"A timeout of {Timeout} is not allowed.", Timeout, "Pass a positive -Timeout such as 00:15:00.");
        var what = $"dedicated {(dedicated?.ToString() ?? "unchanged")}, Spot {(spot?.ToString() ?? "unchanged")}, {NodeDeallocationOption ?? "requeue"}";
        if (!ShouldProcess($"pool '{Id}' ({what})", "Resize Batch pool")) return;

        var context = ResolveContext();
        var scaling = new PoolScaling(context);
        Run(ct => scaling.ResizeAsync(new PoolResizeRequest
        {
            Id = Id, DedicatedNodeCount = dedicated, SpotNodeCount = spot, NodeDeallocationOption = NodeDeallocationOption,
            ResizeTimeout = ResizeTimeout, Log = VerboseLog,
        }, ct));
        if (Wait) Run(ct => scaling.WaitUntilSteadyAsync(Id, Timeout, VerboseLog, ct));
        foreach (var pool in Stream(new PoolOperations(context).GetPoolsAsync(Id, StopToken))) WriteObject(pool);
    }
}
