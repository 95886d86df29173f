using System.Text.Json.Nodes;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Query;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Api;

/// <summary>
/// Answers a list request from a snapshot: $filter on each item's wire JSON, $select, then a page of maxresults with
/// odata.nextLink while items remain. Snapshots are taken under the state lock; this runs outside it.
/// </summary>
public static class ListResponse
{
    /// <param name="items">Every item, ordered by its paging key (ordinal).</param>
    public static Task WriteAsync<T>(HttpContext context, string entitySet, IReadOnlySet<string> filterable, IEnumerable<(string Key, T Item)> items)
    {
        var filterText = context.Request.Query["$filter"].ToString();
        var filter = filterText.Length == 0 ? null : ODataFilter.Parse(filterText, filterable);
        var select = SelectProjection.Parse(context.Request.Query["$select"].ToString());
        var size = Paging.PageSize(context);
        var after = Paging.After(context);

        var page = new List<JsonObject>();
        string? lastKey = null;
        var more = false;
        foreach (var (key, item) in items)
        {
            if (after is not null && string.CompareOrdinal(key, after) <= 0) continue;
            if (page.Count == size) { more = true; break; }
            var node = JsonBodies.ToNode(item);
            if (filter is not null && !filter.Matches(node)) continue;
            page.Add(select.Apply(node));
            lastKey = key;
        }
        return JsonBodies.WriteListAsync(context, entitySet, page, more && lastKey is not null ? Paging.NextLink(context, lastKey) : null);
    }

    /// <summary>A single entity with $select applied.</summary>
    public static Task WriteEntityAsync<T>(HttpContext context, string entitySet, T item) =>
        JsonBodies.WriteEntityAsync(context, entitySet, SelectProjection.Parse(context.Request.Query["$select"].ToString()).Apply(JsonBodies.ToNode(item)));
}
