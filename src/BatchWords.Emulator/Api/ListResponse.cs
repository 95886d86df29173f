using System.Text.Json.Nodes;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Query;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Api;

/// <summary>
/// Answers a list request: $filter, $select, then a page of maxresults with odata.nextLink while items remain.
/// Small lists (pools, jobs, nodes, files) come as a snapshot taken under the state lock and are filtered on each
/// item's wire JSON here, outside it. Tasks, which can be a hundred thousand, are filtered and cut to a page under
/// the lock by their endpoint (TaskEndpoints.List) and only the page is written here.
/// </summary>
public static class ListResponse
{
    /// <param name="items">Every item, ordered by its paging key (ordinal).</param>
    public static Task WriteAsync<T>(HttpContext context, string entitySet, IReadOnlySet<string> filterable, IEnumerable<(string Key, T Item)> items)
    {
        var filter = Filter(context, filterable);
        var size = Paging.PageSize(context);
        var after = Paging.After(context);

        var page = new List<JsonObject>();
        string? lastKey = null;
        var more = false;
        foreach (var (key, item) in items)
        {
            if (after is not null && string.CompareOrdinal(key, after) <= 0) continue;
            var node = JsonBodies.ToNode(item);
            if (filter is not null && !filter.Matches(node)) continue;
            if (page.Count == size) { more = true; break; }
            page.Add(node);
            lastKey = key;
        }
        return WritePageAsync(context, entitySet, page, more ? lastKey : null);
    }

    /// <summary>The request's $filter, parsed (400 InvalidQueryParameterValue if it is not one this list takes), or null.</summary>
    public static ODataFilter? Filter(HttpContext context, IReadOnlySet<string> filterable)
    {
        var text = context.Request.Query["$filter"].ToString();
        return text.Length == 0 ? null : ODataFilter.Parse(text, filterable);
    }

    /// <summary>
    /// A page that is already filtered and cut to maxresults: $select, then odata.nextLink to continue after
    /// <paramref name="continueAfterKey"/> (null on the last page).
    /// </summary>
    public static Task WritePageAsync<T>(HttpContext context, string entitySet, IReadOnlyList<T> page, string? continueAfterKey)
    {
        var select = SelectProjection.Parse(context.Request.Query["$select"].ToString());
        var nodes = new List<JsonObject>(page.Count);
        foreach (var item in page) nodes.Add(select.Apply(item as JsonObject ?? JsonBodies.ToNode(item)));
        return JsonBodies.WriteListAsync(context, entitySet, nodes, continueAfterKey is null ? null : Paging.NextLink(context, continueAfterKey));
    }

    /// <summary>A single entity with $select applied.</summary>
    public static Task WriteEntityAsync<T>(HttpContext context, string entitySet, T item) =>
        JsonBodies.WriteEntityAsync(context, entitySet, SelectProjection.Parse(context.Request.Query["$select"].ToString()).Apply(JsonBodies.ToNode(item)));
}
