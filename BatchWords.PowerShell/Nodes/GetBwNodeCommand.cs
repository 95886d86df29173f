using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Lists a pool's compute nodes (Az's Get-AzBatchComputeNode): state, Spot or dedicated, running tasks, start task result.</summary>
[Cmdlet(VerbsCommon.Get, "BwNode",
    HelpUri = ProjectLinks.Project + "#cost-spot-nodes-resizing-and-autoscale")]
[OutputType(typeof(BwNode))]
public sealed class GetBwNodeCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string Pool { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? NodeId { get; set; }

    protected override void ProcessRecordCore()
    {
        var context = ResolveContext();
        foreach (var node in Stream(new NodeOperations(context).GetNodesAsync(Pool, NodeId, StopToken))) WriteObject(node);
    }
}
