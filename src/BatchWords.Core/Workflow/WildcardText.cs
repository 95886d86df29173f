namespace BatchWords;

/// <summary>
/// What a PowerShell wildcard pattern ('ux*', 'job-?', 'run[12]*', with ` as the escape) says before its first
/// wildcard: the part a service can filter on (startswith, a container prefix) before the pattern is matched
/// in full on the client. Matching itself stays with PowerShell's WildcardPattern in the cmdlet.
/// </summary>
public static class WildcardText
{
    /// <summary>True when the text has an unescaped *, ? or [.</summary>
    public static bool HasWildcards(string? pattern) => pattern is not null && LiteralPrefix(pattern).Length < Unescape(pattern).Length;

    /// <summary>The literal text before the first unescaped *, ? or [, with escapes removed ('ux*' -> 'ux', 'a`*b*' -> 'a*b').</summary>
    public static string LiteralPrefix(string pattern)
    {
        var prefix = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '`' && i + 1 < pattern.Length) { prefix.Append(pattern[++i]); continue; }
            if (c is '*' or '?' or '[') break;
            prefix.Append(c);
        }
        return prefix.ToString();
    }

    private static string Unescape(string pattern)
    {
        var text = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '`' && i + 1 < pattern.Length) i++;
            text.Append(pattern[i]);
        }
        return text.ToString();
    }
}
