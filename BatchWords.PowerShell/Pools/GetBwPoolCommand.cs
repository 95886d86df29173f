using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets pools with their node counts per state (idle, running, starttaskfailed...).</summary>
[Cmdlet(VerbsCommon.Get, "BwPool")]
[OutputType(typeof(BwPool))]
public sealed class GetBwPoolCommand : BwCmdlet
{
    /// <summary>A pool id, or a wildcard pattern ('ux*'): a pattern that matches nothing is no error.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PoolIdCompleter))]
    [PSDefaultValue(Help = "Every pool")]
    public string? Id { get; set; }

    /// <summary>An OData $filter the Batch service applies (e.g. "state eq 'active'").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    [PSDefaultValue(Help = "No limit")]
    public int MaxCount { get; set; }

    protected override void ProcessRecord()
    {
        var context = ResolveContext();
        var pools = new PoolOperations(context);
        var query = IdPatternQuery.From(Id, Filter, MyInvocation.BoundParameters.ContainsKey(nameof(MaxCount)) ? MaxCount : null);
        try
        {
            foreach (var pool in Stream(query is null ? pools.GetPoolsAsync(Id, StopToken) : pools.GetPoolsAsync(query, StopToken))) WriteObject(pool);
        }
        catch (BwException e) { WriteError(e); }
    }
}
