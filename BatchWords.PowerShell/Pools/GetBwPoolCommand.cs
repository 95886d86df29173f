using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets pools with their node counts per state (idle, running, starttaskfailed...).</summary>
[Cmdlet(VerbsCommon.Get, "BwPool",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwPool))]
public sealed class GetBwPoolCommand : BwCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    protected override void ProcessRecord()
    {
        var context = ResolveContext();
        try
        {
            foreach (var pool in Stream(new PoolOperations(context).GetPoolsAsync(Id, StopToken))) WriteObject(pool);
        }
        catch (BwException e) { WriteError(e); }
    }
}
