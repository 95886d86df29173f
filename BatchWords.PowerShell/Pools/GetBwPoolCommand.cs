using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets pools with their node counts per state (idle, running, starttaskfailed...).</summary>
[Cmdlet(VerbsCommon.Get, "BwPool",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwPool))]
public sealed class GetBwPoolCommand : BwListCmdlet
{
    /// <summary>A pool id, or a wildcard pattern ('ux*'): a pattern that matches nothing is no error.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PoolIdCompleter))]
    [PSDefaultValue(Help = "Every pool")]
    public string? Id { get; set; }

    protected override void ProcessRecordCore()
    {
        var pools = new PoolOperations(ResolveContext());
        WriteListing(QueryFor(Id) is { } query ? pools.GetPoolsAsync(query, StopToken) : pools.GetPoolsAsync(Id, StopToken));
    }
}
