using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>
/// Removes secrets from text that may reach a user: SAS signatures, account keys in connection strings,
/// Authorization headers and any key the process registered. Used on every message Core produces.
/// </summary>
public static partial class SecretScrubber
{
    private static readonly object Gate = new();
    private static string[] _known = Array.Empty<string>();

    /// <summary>Registers a secret value (an account key, a SAS token) so it is redacted wherever it appears.</summary>
    public static void Register(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 8) return;
        lock (Gate)
        {
            if (Array.IndexOf(_known, secret) >= 0) return;
            _known = _known.Append(secret).OrderByDescending(s => s.Length).ToArray();
        }
    }

    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
        foreach (var secret in _known) text = text.Replace(secret, "REDACTED", StringComparison.Ordinal);
        text = SasSignature().Replace(text, "${name}=REDACTED");
        text = ConnectionStringKey().Replace(text, "${name}=REDACTED");
        text = AuthorizationHeader().Replace(text, "${name} REDACTED");
        return text;
    }

    [GeneratedRegex(@"(?<name>\bsig|\bSharedAccessSignature)=[^&;\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex SasSignature();

    [GeneratedRegex(@"(?<name>AccountKey|SharedAccessKey)=[^;\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringKey();

    [GeneratedRegex(@"(?<name>SharedKey|Bearer)\s+[A-Za-z0-9_\-\.:+/=]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationHeader();
}
