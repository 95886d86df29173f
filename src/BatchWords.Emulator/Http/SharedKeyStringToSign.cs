using System.Text;
using System.Web;

namespace BatchWords.Emulator.Http;

/// <summary>
/// How the query parameters of the canonicalized resource are ordered. Clients disagree where a name has
/// capitals, so the verifier accepts both: the official .NET SDK sorts the names as sent and lower-cases them
/// when writing, the documented rule lower-cases them first and then sorts.
/// </summary>
public enum QueryNameOrder
{
    /// <summary>As the official .NET SDK's BatchNamedKeyCredentialPolicy: sorted as sent, written lower-cased.</summary>
    SortedAsSent,

    /// <summary>As the Batch authentication documentation words it: lower-cased, then sorted.</summary>
    SortedLowerCased,
}

/// <summary>
/// Builds the Batch Shared Key string to sign (§7.1) from the parts of a request as they arrived: the verb,
/// eleven standard header values (the Date line empty when ocp-date is set, as documented), the ocp-* headers
/// (lowercased, sorted, trimmed) and the canonicalized resource (account + raw path, then the decoded query
/// parameters: names grouped without regard to case, a repeated parameter's values in the order sent).
/// </summary>
public static class SharedKeyStringToSign
{
    // The standard header lines after the verb, in signing order; Content-Length is the third.
    public static readonly string[] StandardHeaders =
    {
        "Content-Encoding", "Content-Language", "Content-Length", "Content-MD5", "Content-Type", "Date",
        "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
    };

    /// <param name="headerValue">The value of a header, or null when absent.</param>
    /// <param name="contentLengthLine">What to write on the Content-Length line (the caller tries "" and "0" for empty bodies).</param>
    public static string Build(string method, Func<string, string?> headerValue, string contentLengthLine,
        IEnumerable<KeyValuePair<string, string>> allHeaders, string account, string rawPath, string rawQuery,
        QueryNameOrder order = QueryNameOrder.SortedAsSent)
    {
        var hasOcpDate = !string.IsNullOrEmpty(headerValue("ocp-date"));
        var builder = new StringBuilder(256);
        builder.Append(method.ToUpperInvariant()).Append('\n');
        foreach (var name in StandardHeaders)
        {
            var value = name switch
            {
                "Content-Length" => contentLengthLine,
                // "If you set ocp-date, construct the signature with an empty value for the Date header."
                "Date" when hasOcpDate => "",
                _ => headerValue(name) ?? "",
            };
            builder.Append(value).Append('\n');
        }

        var ocp = allHeaders
            .Where(h => h.Key.StartsWith("ocp-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: Fold(h.Value)))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in ocp) builder.Append(name).Append(':').Append(value).Append('\n');

        builder.Append('/').Append(account).Append(string.IsNullOrEmpty(rawPath) ? "/" : rawPath);
        AppendQuery(builder, rawQuery, order);
        return builder.ToString();
    }

    private static void AppendQuery(StringBuilder builder, string rawQuery, QueryNameOrder order)
    {
        // ParseQueryString groups names without regard to case (the first spelling sent names the group) and
        // joins a repeated parameter's decoded values with commas in the order sent, which is what the official
        // SDK signs.
        var query = HttpUtility.ParseQueryString(rawQuery);
        var names = query.AllKeys.Select(name => name ?? "").ToList();
        if (order == QueryNameOrder.SortedLowerCased)
            names = names.OrderBy(name => name.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        else
            names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
            builder.Append('\n').Append(name.ToLowerInvariant()).Append(':').Append(query[name.Length == 0 ? null : name]);
    }

    private static string Fold(string value) => value.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Trim();
}
