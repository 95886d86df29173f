using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Turns autoscale off (Batch's disableautoscale): the pool keeps the targets the formula last set.</summary>
[Cmdlet(VerbsLifecycle.Disable, "BwAutoScale", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#cost-spot-nodes-resizing-and-autoscale")]
[OutputType(typeof(BwPool))]
public sealed class DisableBwAutoScaleCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    protected override void ProcessRecordCore()
    {
        if (!ShouldProcess($"pool '{Id}'", "Disable autoscale")) return;
        var context = ResolveContext();
        Run(ct => new PoolScaling(context).DisableAutoScaleAsync(Id, ct));
        foreach (var pool in Stream(new PoolOperations(context).GetPoolsAsync(Id, StopToken))) WriteObject(pool);
    }
}
