using System.Text;
using System.Web;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Builds the Batch Shared Key string to sign (§7.1) from the parts of a request as they arrived: the verb,
/// eleven standard header values, the ocp-* headers (lowercased, sorted, trimmed) and the canonicalized
/// resource (account + raw path, then the decoded query parameters sorted by lowercased name).
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
        IEnumerable<KeyValuePair<string, string>> allHeaders, string account, string rawPath, string rawQuery)
    {
        var builder = new StringBuilder(256);
        builder.Append(method.ToUpperInvariant()).Append('\n');
        foreach (var name in StandardHeaders)
        {
            var value = name == "Content-Length" ? contentLengthLine : headerValue(name) ?? "";
            builder.Append(value).Append('\n');
        }

        var ocp = allHeaders
            .Where(h => h.Key.StartsWith("ocp-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: Fold(h.Value)))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in ocp) builder.Append(name).Append(':').Append(value).Append('\n');

        builder.Append('/').Append(account).Append(string.IsNullOrEmpty(rawPath) ? "/" : rawPath);
        var query = HttpUtility.ParseQueryString(rawQuery);
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var rawName in query.AllKeys)
        {
            var name = (rawName ?? "").ToLowerInvariant();
            if (!parameters.TryGetValue(name, out var values)) parameters[name] = values = new List<string>();
            values.AddRange(query.GetValues(rawName) ?? Array.Empty<string>());
        }
        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').Append(string.Join(",", values));
        }
        return builder.ToString();
    }

    private static string Fold(string value) => value.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Trim();
}
