using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>
/// Removes secrets from text that may reach a user: SAS signatures, account keys in connection strings,
/// Authorization headers and any key the process registered. Used on every message Core produces.
/// </summary>
/// <remarks>
/// Two kinds of registered secret: the few long-lived ones of the session's credentials (keys, a user's SAS
/// token, connection strings), replaced wherever they appear; and the signatures of the SAS URLs this process
/// issues, one per published file, kept in an <see cref="IssuedSignatureRegistry"/> (O(1) to add and to look
/// up, bounded, expired ones dropped) and found by scanning the text once for signature-like tokens, so neither
/// registering nor scrubbing costs more as a session issues more of them.
/// </remarks>
public static partial class SecretScrubber
{
    private static readonly object Gate = new();
    private static readonly HashSet<string> KnownSet = new(StringComparer.Ordinal);
    private static string[] _known = Array.Empty<string>();

    internal static IssuedSignatureRegistry IssuedSignatures { get; } = new();

    /// <summary>Registers a secret value (an account key, a SAS token) so it is redacted wherever it appears.</summary>
    public static void Register(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 8) return;
        lock (Gate)
        {
            if (!KnownSet.Add(secret)) return;
            // Longest first, so a secret that contains another is replaced whole. Few are ever registered.
            _known = KnownSet.OrderByDescending(s => s.Length).ToArray();
        }
    }

    /// <summary>
    /// Registers the signature of a SAS this process issued (the query string, with or without '?'), until the
    /// SAS expires. O(1); the registry stays bounded however many are issued.
    /// </summary>
    public static void RegisterIssuedSas(string? query, DateTimeOffset expiresOn)
    {
        if (SignatureOf(query) is { Length: >= 8 } signature) IssuedSignatures.Add(signature, expiresOn);
    }

    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
        foreach (var secret in _known) text = text.Replace(secret, "REDACTED", StringComparison.Ordinal);
        text = SasSignature().Replace(text, "${name}=REDACTED");
        text = ConnectionStringKey().Replace(text, "${name}=REDACTED");
        text = AuthorizationHeader().Replace(text, "${name} REDACTED");
        if (IssuedSignatures.Count > 0)
            text = SignatureLikeToken().Replace(text, m => IssuedSignatures.Contains(m.Value) ? "REDACTED" : m.Value);
        return text;
    }

    private static string? SignatureOf(string? query)
    {
        if (string.IsNullOrEmpty(query)) return null;
        foreach (var part in query.TrimStart('?').Split('&'))
            if (part.StartsWith("sig=", StringComparison.OrdinalIgnoreCase)) return part[4..];
        return null;
    }

    [GeneratedRegex(@"(?<name>\bsig|\bSharedAccessSignature)=[^&;\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex SasSignature();

    [GeneratedRegex(@"(?<name>AccountKey|SharedAccessKey)=[^;\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringKey();

    [GeneratedRegex(@"(?<name>SharedKey|Bearer)\s+[A-Za-z0-9_\-\.:+/=]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationHeader();

    /// <summary>A run of base64 or URL-encoded base64 characters, as a SAS signature is written (43 chars and '=').</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9+/%])[A-Za-z0-9+/%]{20,}(?:=|%3[dD]){0,2}")]
    private static partial Regex SignatureLikeToken();
}
