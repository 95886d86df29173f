using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Base of the Batch listings that take a wildcard id (Get-BwPool, Get-BwJob): -Filter and -MaxCount as Az.Batch
/// has them, turned with the id into a Core listing query, and the streaming of the results.
/// </summary>
public abstract class BwListCmdlet : BwCmdlet
{
    /// <summary>An OData $filter the Batch service applies (e.g. "state eq 'active'").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    [PSDefaultValue(Help = "No limit")]
    public int MaxCount { get; set; }

    /// <summary>The listing for this id, -Filter and -MaxCount; null when the id is read directly (see <see cref="IdPatternQuery"/>).</summary>
    protected IdListQuery? QueryFor(string? id)
        => IdPatternQuery.From(id, Filter, MyInvocation.BoundParameters.ContainsKey(nameof(MaxCount)) ? MaxCount : null);

    /// <summary>Writes each item as Core yields it; a failure is a non-terminating error (the next piped id still runs).</summary>
    protected void WriteListing<T>(IAsyncEnumerable<T> items)
    {
        foreach (var item in Stream(items)) WriteObject(item);
    }
}
