namespace BatchWords;

/// <summary>One line of a worker output file: a word and how often it occurs.</summary>
public sealed record WordCount(string Word, long Count)
{
    public override string ToString() => $"{Word} {Count}";
}

/// <summary>
/// Reads the worker's output file (the tutorial's format: "Word\tCount", a rule of dashes, one
/// "word:\tcount" line per word, a rule, then Node/Task/Job/Pool lines).
/// </summary>
public static class TopWordsFile
{
    public static IReadOnlyList<WordCount> Parse(string path)
    {
        var lines = File.ReadAllLines(path);
        var rules = lines.Select((l, i) => (l, i)).Where(x => x.l.Length > 0 && x.l.All(c => c == '-')).Select(x => x.i).ToList();
        if (lines.Length == 0 || lines[0] != "Word\tCount" || rules.Count < 2)
            throw new BwException(BwErrorKind.InvalidData, "NotATopWordsFile",
                $"'{path}' is not a top-N words output file (expected a 'Word<TAB>Count' header between rules of dashes).", path,
                "Check that the file was written by the BatchWords worker.");
        var words = new List<WordCount>();
        for (var i = rules[0] + 1; i < rules[1]; i++)
        {
            // The word itself may contain ':' (only ASCII punctuation at its ends is stripped), so split at the last ":\t".
            var line = lines[i];
            var split = line.LastIndexOf(":\t", StringComparison.Ordinal);
            if (split < 0 || !long.TryParse(line[(split + 2)..], out var count))
                throw new BwException(BwErrorKind.InvalidData, "NotATopWordsFile", $"Line {i + 1} of '{path}' is not 'word:<TAB>count'.", path,
                    "Check that the file was written by the BatchWords worker.");
            words.Add(new WordCount(line[..split], count));
        }
        return words;
    }
}
