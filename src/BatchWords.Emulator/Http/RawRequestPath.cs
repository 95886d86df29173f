using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BatchWords.Emulator.Http;

/// <summary>
/// The request path exactly as sent on the request line. Shared Key signs it still percent-encoded, and a file
/// path travels as one segment with "/" escaped as %2F (§2.5), which Kestrel's decoded Path keeps ambiguous.
/// </summary>
public static class RawRequestPath
{
    public static string Of(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) return context.Request.PathBase + context.Request.Path;
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            raw = raw[(raw.IndexOf('/', raw.IndexOf("//", StringComparison.Ordinal) + 2) is var i and >= 0 ? i : raw.Length)..];
        var query = raw.IndexOf('?');
        var path = query >= 0 ? raw[..query] : raw;
        return path.Length == 0 ? "/" : path;
    }

    /// <summary>The path's segments, each percent-decoded on its own (so %2F inside a segment becomes '/').</summary>
    public static string[] DecodedSegments(HttpContext context) =>
        Of(context).Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
}
