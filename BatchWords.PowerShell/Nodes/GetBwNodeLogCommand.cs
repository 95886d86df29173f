using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Gets the start task's stdout.txt or stderr.txt from a node (GET /pools/{pool}/nodes/{node}/files/startup/...),
/// so an admin can see why a node is starttaskfailed: Get-BwNode -Pool p | Where-Object StartTaskResult -eq failure | Get-BwNodeLog -Stream stderr.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BwNodeLog",
    HelpUri = ProjectLinks.Project + "#cost-spot-nodes-resizing-and-autoscale")]
[OutputType(typeof(string))]
public sealed class GetBwNodeLogCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Pool")]
    [ValidateNotNullOrEmpty]
    public string PoolId { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string NodeId { get; set; } = "";

    /// <summary>A string, not Core's enum: see Get-BwTaskLog (Core must not load while PowerShell scans this assembly).</summary>
    [Parameter]
    [ValidateSet("stdout", "stderr", IgnoreCase = true)]
    public string Stream { get; set; } = "stdout";

    protected override void ProcessRecordCore()
    {
        var context = ResolveContext();
        var stream = string.Equals(Stream, "stderr", StringComparison.OrdinalIgnoreCase) ? NodeLogStream.Stderr : NodeLogStream.Stdout;
        WriteObject(Run(ct => new NodeOperations(context).ReadStartTaskLogAsync(PoolId, NodeId, stream, ct)));
    }
}
