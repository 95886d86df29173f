using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Creates a pool whose start task installs the worker into $AZ_BATCH_NODE_SHARED_DIR, or reuses a
/// compatible pool with the same id (the tutorial re-run failed with PoolExists here).
/// </summary>
[Cmdlet(VerbsCommon.New, "BwPool", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwPool))]
public sealed class NewBwPoolCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string VmSize { get; set; } = "standard_d2s_v3";

    [Parameter]
    [ValidateRange(0, 1000)]
    public int NodeCount { get; set; } = 1;

    /// <summary>Spot (low-priority) nodes: a fraction of the price; Azure may preempt them and Batch then requeues their tasks.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int SpotNodeCount { get; set; }

    /// <summary>Creates the pool with autoscale on: this formula sets the dedicated and Spot targets (-NodeCount and -SpotNodeCount are then not used).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AutoScaleFormula { get; set; }

    /// <summary>How often Batch evaluates the formula: 5 minutes to 168 hours (Batch's default 15 minutes).</summary>
    [Parameter]
    public TimeSpan? AutoScaleEvaluationInterval { get; set; }

    /// <summary>A reused pool with other targets is resized to -NodeCount and -SpotNodeCount (instead of only a warning).</summary>
    [Parameter]
    public SwitchParameter Resize { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int TaskSlotsPerNode { get; set; } = 1;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "canonical/0001-com-ubuntu-server-jammy/22_04";

    [Parameter]
    [ValidateNotNullOrEmpty]
    [PSDefaultValue(Help = "The bundled worker")]
    public string? Program { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ApplicationContainer { get; set; } = "application";

    protected override void ProcessRecordCore()
    {
        string? program = null;
        if (Program is not null)
        {
            program = GetUnresolvedProviderPathFromPSPath(Program);
            if (!File.Exists(program))
                throw new BwException(BwErrorKind.InvalidArgument, BwErrorIds.ProgramNotFound, $"The program '{program}' does not exist.", Program, "Pass -Program the path of an existing Linux executable.");
        }
        var size = AutoScaleFormula is not null ? $"autoscale x {VmSize}"
            : SpotNodeCount == 0 ? $"{NodeCount} x {VmSize}"
            : $"{NodeCount} dedicated + {SpotNodeCount} Spot x {VmSize}";
        if (!ShouldProcess($"pool '{Id}' ({size}, image {Image})", "Create or reuse Batch pool")) return;

        var context = ResolveContext();
        var request = new PoolRequest
        {
            Id = Id, VmSize = VmSize, NodeCount = NodeCount, SpotNodeCount = SpotNodeCount, TaskSlotsPerNode = TaskSlotsPerNode, Image = Image,
            AutoScaleFormula = AutoScaleFormula, AutoScaleEvaluationInterval = AutoScaleEvaluationInterval, ResizeExisting = Resize,
            ProgramPath = program, ApplicationContainer = ApplicationContainer, Log = VerboseLog,
        };
        var pool = Run(ct => new PoolOperations(context).CreateOrReuseAsync(request, ct));
        // The node counts can differ on a reused pool: without -Resize, say so when they were asked for, rather
        // than run the tasks on fewer or more nodes without a word.
        var askedDedicated = MyInvocation.BoundParameters.ContainsKey(nameof(NodeCount)) && pool.TargetDedicatedNodes != NodeCount;
        var askedSpot = MyInvocation.BoundParameters.ContainsKey(nameof(SpotNodeCount)) && pool.TargetSpotNodes != SpotNodeCount;
        if (pool.Provisioning == nameof(PoolProvisioning.Reused) && (askedDedicated || askedSpot))
            WriteWarning(pool.AutoScaleEnabled
                ? $"Pool '{Id}' was reused; its autoscale formula sets its size ({pool.TargetDedicatedNodes} dedicated + {pool.TargetSpotNodes} Spot now). Disable-BwAutoScale first to size it by hand."
                : $"Pool '{Id}' was reused with {pool.TargetDedicatedNodes} dedicated + {pool.TargetSpotNodes} Spot target node(s), not the {NodeCount} + {SpotNodeCount} asked for. Pass -Resize to resize it, or run Resize-BwPool -Id {Id}.");
        if (pool.Provisioning == nameof(PoolProvisioning.Created) && AutoScaleFormula is null && NodeCount == 0 && SpotNodeCount == 0)
            WriteWarning($"Pool '{Id}' has no nodes: its tasks wait until you resize it (Resize-BwPool -Id {Id} -NodeCount n or -SpotNodeCount n) or enable autoscale.");
        if (pool.LastAutoScaleRun is { Succeeded: false } run)
            WriteWarning($"Pool '{Id}' was created with autoscale, but the formula's evaluation failed ({run.ErrorCode}): {run.ErrorMessage}");
        WriteObject(pool);
    }
}
