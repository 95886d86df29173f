using System.Globalization;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// Writes the result in the tutorial's format, so whatever read the tutorial's output files reads ours:
/// <code>
/// Word\tCount
/// ------------------------------
/// word:\tcount          (one line per word)
/// ------------------------------
/// Node: $AZ_BATCH_NODE_ID  (each of these four lines only when its variable is set)
/// Task: $AZ_BATCH_TASK_ID
/// Job:  $AZ_BATCH_JOB_ID
/// Pool: $AZ_BATCH_POOL_ID
/// </code>
/// UTF-8 without a BOM, "\n" line ends (the tutorial ran on Linux nodes).
/// </summary>
public static class TopWordsWriter
{
    public const string Rule = "------------------------------";

    private static readonly (string Label, string Variable)[] s_batchLines =
    [
        ("Node: ", "AZ_BATCH_NODE_ID"),
        ("Task: ", "AZ_BATCH_TASK_ID"),
        ("Job:  ", "AZ_BATCH_JOB_ID"),
        ("Pool: ", "AZ_BATCH_POOL_ID"),
    ];

    /// <summary>
    /// Writes the result to <paramref name="destination"/>; long words are read again from the input through
    /// <paramref name="longWords"/>, a window at a time, so the file holds the exact word however long it is.
    /// </summary>
    public static void Write(Stream destination, IReadOnlyList<WordCount> words, Func<string, string?> environment, WordKeyReader? longWords)
    {
        WriteText(destination, "Word\tCount\n" + Rule + "\n");
        foreach (WordCount word in words)
        {
            if (word.Word is not null)
            {
                WriteText(destination, word.Word);
            }
            else
            {
                if (longWords is null) throw new ArgumentException($"The word at offset {word.FirstPosition} is a long word: writing it needs the input.", nameof(longWords));
                longWords.CopyKey(word.FirstPosition, word.LongWordLength, destination);
            }
            WriteText(destination, ":\t" + word.Count.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        WriteText(destination, Rule + "\n");
        foreach ((string label, string variable) in s_batchLines)
        {
            string? value = environment(variable);
            if (value is not null) WriteText(destination, label + value + "\n");
        }
    }

    /// <summary>Creates or replaces <paramref name="path"/> with the formatted result.</summary>
    public static void WriteFile(string path, IReadOnlyList<WordCount> words, Func<string, string?> environment, WordKeyReader? longWords = null)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024);
        Write(file, words, environment, longWords);
    }

    private static void WriteText(Stream destination, string text) => destination.Write(s_utf8.GetBytes(text));

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
}
