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

    public static string Format(IReadOnlyList<WordCount> words, Func<string, string?> environment)
    {
        var text = new StringBuilder();
        text.Append("Word\tCount\n").Append(Rule).Append('\n');
        foreach (WordCount word in words) text.Append(word.Word).Append(":\t").Append(word.Count).Append('\n');
        text.Append(Rule).Append('\n');
        foreach ((string label, string variable) in s_batchLines)
        {
            string? value = environment(variable);
            if (value is not null) text.Append(label).Append(value).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Creates or replaces <paramref name="path"/> with the formatted result.</summary>
    public static void WriteFile(string path, IReadOnlyList<WordCount> words, Func<string, string?> environment)
    {
        File.WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Format(words, environment)));
    }
}
