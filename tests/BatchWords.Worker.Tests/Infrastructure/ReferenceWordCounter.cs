using System.Text;

namespace BatchWords.Worker.Tests.Infrastructure;

/// <summary>
/// The straightforward implementation of both word rules that the worker must agree with on any input: decode the
/// whole file to a string, split it, count in a dictionary, sort. Written from the rules' text, not from the worker's
/// code (it shares nothing with it), so a disagreement points at a bug in one or the other.
/// </summary>
public static class ReferenceWordCounter
{
    /// <summary>Printable ASCII (0x21..0x7E) that is not a letter or digit: the definition of ASCII punctuation.</summary>
    public static readonly char[] AsciiPunctuation =
        Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).Where(c => !char.IsAsciiLetterOrDigit(c)).ToArray();

    public static List<(string Word, long Count)> Top(byte[] file, WordRule rule, int limit)
    {
        string text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(file);
        if (text.StartsWith('\uFEFF')) text = text[1..];
        IEnumerable<string> words = rule == WordRule.Tutorial ? TutorialWords(text) : LettersWords(text);

        var counts = new Dictionary<string, (long Count, int First)>(StringComparer.Ordinal);
        int index = 0;
        foreach (string word in words)
        {
            counts[word] = counts.TryGetValue(word, out var seen) ? (seen.Count + 1, seen.First) : (1, index);
            index++;
        }
        return counts.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Value.First)
            .Take(limit).Select(p => (p.Key, p.Value.Count)).ToList();
    }

    private static IEnumerable<string> TutorialWords(string text)
    {
        var token = new StringBuilder();
        foreach (char c in text.Append(' '))
        {
            if (!char.IsWhiteSpace(c)) { token.Append(c); continue; }
            string word = token.ToString().Trim(AsciiPunctuation);
            token.Clear();
            if (word.Length > 0) yield return word;
        }
    }

    private static IEnumerable<string> LettersWords(string text)
    {
        var word = new StringBuilder();
        foreach (Rune rune in (text + " ").EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune)) { word.Append(Rune.ToLowerInvariant(rune).ToString()); continue; }
            if (word.Length > 0) yield return word.ToString();
            word.Clear();
        }
    }
}
