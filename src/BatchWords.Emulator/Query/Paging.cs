using System.Globalization;
using System.Text;
using BatchWords.Emulator.Http;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Query;

/// <summary>
/// maxresults (1–1000, default 1000) and odata.nextLink with an opaque $skiptoken (§3). The token names the last
/// item of the page by its position key (a creation sequence number, or a file name), so items added or removed
/// between pages neither repeat nor vanish. The link is the request's own URL with the token replaced, so it
/// keeps $filter, $select, maxresults and api-version exactly as the caller sent them.
/// </summary>
public static class Paging
{
    public const int MaxResults = 1000;
    private const string TokenPrefix = "bw1:";

    public static int PageSize(HttpContext context)
    {
        var text = context.Request.Query["maxresults"].ToString();
        if (text.Length == 0) return MaxResults;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            throw BatchRequestException.InvalidQuery("maxresults", text, "maxresults must be an integer.");
        if (size is < 1 or > MaxResults)
            throw new BatchRequestException(System.Net.HttpStatusCode.BadRequest, "OutOfRangeQueryParameterValue",
                "One of the query parameters specified in the request URI is outside the permissible range.",
                ("QueryParameterName", "maxresults"), ("QueryParameterValue", text), ("Reason", "maxresults must be 1 to 1000."));
        return size;
    }

    /// <summary>The key after which this page starts, or null for the first page.</summary>
    public static string? After(HttpContext context)
    {
        var token = context.Request.Query["$skiptoken"].ToString();
        if (token.Length == 0) return null;
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            if (text.StartsWith(TokenPrefix, StringComparison.Ordinal)) return text[TokenPrefix.Length..];
        }
        catch (FormatException) { }
        throw BatchRequestException.InvalidQuery("$skiptoken", token, "The continuation token is not one this service issued.");
    }

    public static string Token(string afterKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(TokenPrefix + afterKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The request's URL with $skiptoken set to continue after <paramref name="afterKey"/>.</summary>
    public static string NextLink(HttpContext context, string afterKey)
    {
        var query = (context.Request.QueryString.Value ?? "").TrimStart('?');
        var kept = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !string.Equals(Uri.UnescapeDataString(p.Split('=', 2)[0]), "$skiptoken", StringComparison.OrdinalIgnoreCase));
        var parameters = kept.Append("$skiptoken=" + Token(afterKey));
        return $"{BaseUrl.Of(context)}{RawRequestPath.Of(context)}?{string.Join("&", parameters)}";
    }

    /// <summary>Sequence numbers as fixed-width keys, so they order as strings too.</summary>
    public static string SequenceKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);
}
