using System.Text.RegularExpressions;

namespace BatchWords.Emulator.Runtime;

/// <summary>Keeps SAS signatures out of anything written down (failure messages, fileupload logs, warnings).</summary>
public static partial class UrlScrubber
{
    public static string Scrub(string? url) => url is null ? "" : Signature().Replace(url, "${1}REDACTED");

    [GeneratedRegex("((?:^|[?&])sig=)[^&#]*", RegexOptions.IgnoreCase)]
    private static partial Regex Signature();
}
