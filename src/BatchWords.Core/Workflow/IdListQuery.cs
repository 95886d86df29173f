namespace BatchWords;

/// <summary>
/// Which pools or jobs a listing returns (Get-BwPool and Get-BwJob with a wildcard -Id, -Filter, -MaxCount): the
/// service gets the OData <see cref="Filter"/> as given, joined with startswith(id,'...') for the literal text
/// before the id pattern's first wildcard, so it sends back few items; the pattern itself is matched here
/// (<see cref="IdMatch"/>, PowerShell's WildcardPattern from the cmdlet), and the listing stops at
/// <see cref="MaxCount"/> matches.
/// </summary>
public sealed class IdListQuery
{
    /// <summary>The literal start of every id wanted (see <see cref="WildcardText.LiteralPrefix"/>); null or empty: any.</summary>
    public string? IdPrefix { get; init; }

    /// <summary>The whole id test (a wildcard pattern's IsMatch); null: every id the service returns.</summary>
    public Func<string, bool>? IdMatch { get; init; }

    /// <summary>An OData $filter for the service (Batch's list filter syntax), passed through unchanged.</summary>
    public string? Filter { get; init; }

    /// <summary>At most this many results; null: all.</summary>
    public int? MaxCount { get; init; }

    /// <summary>
    /// False when no Batch id can match: ids hold only letters, digits, '-' and '_', so a literal prefix with any
    /// other character (a typo such as 'ux.*') matches nothing, and no request is needed to say so.
    /// </summary>
    public bool CanMatch => string.IsNullOrEmpty(IdPrefix) || IdPrefix.All(IsIdCharacter);

    /// <summary>The $filter sent: the caller's filter and the id prefix, joined with 'and'; null when neither.</summary>
    public string? ServiceFilter
    {
        get
        {
            var prefix = string.IsNullOrEmpty(IdPrefix) || !CanMatch ? null : $"startswith(id,'{IdPrefix}')";
            var filter = string.IsNullOrWhiteSpace(Filter) ? null : Filter.Trim();
            return (filter, prefix) switch
            {
                (null, null) => null,
                (null, _) => prefix,
                (_, null) => filter,
                _ => $"({filter}) and {prefix}",
            };
        }
    }

    /// <summary>The page size asked for: MaxCount when every item the service returns is kept (no client-side match).</summary>
    public int? PageSize => IdMatch is null && MaxCount is > 0 and <= 1000 ? MaxCount : null;

    /// <summary>
    /// The ids of <paramref name="source"/> this query keeps, in the service's order, up to <see cref="MaxCount"/>:
    /// the listing stops reading pages once it has them.
    /// </summary>
    internal async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> source, Func<T, string?> idOf, CancellationToken cancellationToken)
    {
        var kept = new List<T>();
        if (!CanMatch || MaxCount is <= 0) return kept;
        await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var id = idOf(item);
            if (id is null || (IdMatch is not null && !IdMatch(id))) continue;
            kept.Add(item);
            if (kept.Count == MaxCount) break;
        }
        return kept;
    }

    private static bool IsIdCharacter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_';
}
