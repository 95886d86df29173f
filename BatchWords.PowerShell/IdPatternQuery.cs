using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Get-BwPool's and Get-BwJob's -Id, -Filter and -MaxCount as a Core listing query. An id without wildcards and
/// no -Filter or -MaxCount is a direct read (a missing id is PoolNotFound/JobNotFound, as before); anything else
/// lists, with the id matched by PowerShell's own wildcard rules (ignoring case, as Batch ids do).
/// </summary>
internal static class IdPatternQuery
{
    /// <summary>Null when the id should be read directly; otherwise the listing to run.</summary>
    public static IdListQuery? From(string? id, string? filter, int? maxCount)
    {
        if (id is not null && filter is null && maxCount is null && !WildcardText.HasWildcards(id)) return null;
        var pattern = id is null ? null : WildcardPattern.Get(id, WildcardOptions.IgnoreCase);
        return new IdListQuery
        {
            IdPrefix = id is null ? null : WildcardText.LiteralPrefix(id),
            IdMatch = pattern is null ? null : pattern.IsMatch,
            Filter = filter,
            MaxCount = maxCount,
        };
    }
}
