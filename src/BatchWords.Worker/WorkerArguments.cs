using System.Globalization;

namespace BatchWords.Worker;

/// <summary>A command line the worker cannot run with; the message is meant for the user, on one line.</summary>
public sealed class WorkerArgumentException(string message) : Exception(message);

/// <summary>
/// The command line, compatible with the tutorial's task where it makes sense:
/// <c>--filepath &lt;file&gt; --numwords &lt;N&gt; [--output &lt;file&gt;] [--rule tutorial|letters] [--threads N|auto]</c>.
/// Options take their value as the next argument or after '=' (as argparse allows).
/// </summary>
public sealed record WorkerArguments
{
    public const string Usage =
        """
        usage: batchwords-worker --filepath <file> --numwords <N> [--output <file>] [--rule tutorial|letters] [--threads <N>|auto]

        Counts the words of <file> and writes the <N> most frequent, in the Azure Batch tutorial's format, to
        <output> (default: {stem}_OUTPUT{ext} in the working directory, e.g. taskdata1_OUTPUT.txt).

          --filepath <file>   the input, UTF-8 (ill-formed bytes count as U+FFFD)
          --numwords <N>      how many words to list, 0 or more (more than there are lists them all)
          --output <file>     where to write the result
          --rule tutorial     split on Unicode white space, strip ASCII punctuation from both ends, case-sensitive (default)
          --rule letters      runs of Unicode letters and digits, lower-cased
          --threads <N>|auto  threads to count with (default auto: a core per 8 MiB of input, up to 8)

        Exit codes: 0 success, 2 bad argument, 3 input missing or unreadable, 4 output not writable, 1 internal error.

        """;

    // The tutorial's task uploads its result itself; here the task's outputFiles do, so these are refused with a hint
    // rather than ignored (a silently skipped upload would look like a lost result).
    private static readonly string[] s_tutorialUploadOptions = ["--storageaccount", "--storagecontainer", "--sastoken"];

    public required string FilePath { get; init; }
    public required int NumWords { get; init; }
    public required string OutputPath { get; init; }
    public WordRule Rule { get; init; } = WordRule.Tutorial;

    /// <summary>0 means automatic.</summary>
    public int Threads { get; init; }

    /// <summary>Returns null when help was asked for (the caller prints <see cref="Usage"/>).</summary>
    public static WorkerArguments? Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help") return null;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new WorkerArgumentException($"unexpected argument '{arg}'; options start with --");
            }
            int equals = arg.IndexOf('=');
            string name = equals < 0 ? arg : arg[..equals];
            if (s_tutorialUploadOptions.Contains(name))
            {
                throw new WorkerArgumentException($"{name} is not supported: the worker writes a local file and the task's outputFiles upload it");
            }
            if (name is not ("--filepath" or "--numwords" or "--output" or "--rule" or "--threads"))
            {
                throw new WorkerArgumentException($"unknown option '{name}'");
            }
            string value;
            if (equals >= 0) value = arg[(equals + 1)..];
            else if (i + 1 < args.Count) value = args[++i];
            else throw new WorkerArgumentException($"{name} needs a value");
            if (!values.TryAdd(name, value)) throw new WorkerArgumentException($"{name} is given more than once");
        }

        string filePath = Required(values, "--filepath");
        if (filePath.Length == 0) throw new WorkerArgumentException("--filepath is empty");
        string numWords = Required(values, "--numwords");
        string? output = values.GetValueOrDefault("--output");
        if (output is { Length: 0 }) throw new WorkerArgumentException("--output is empty");

        return new WorkerArguments
        {
            FilePath = filePath,
            NumWords = ParseNumWords(numWords),
            OutputPath = output ?? DefaultOutputPath(filePath),
            Rule = values.TryGetValue("--rule", out string? rule) ? ParseRule(rule) : WordRule.Tutorial,
            Threads = values.TryGetValue("--threads", out string? threads) ? ParseThreads(threads) : 0,
        };
    }

    /// <summary>
    /// <c>{stem}_OUTPUT{ext}</c> in the working directory, with the stem and extension split as Python's
    /// os.path.splitext splits them (the tutorial's naming): the last dot, unless the name only has dots before it.
    /// </summary>
    public static string DefaultOutputPath(string filePath)
    {
        string name = Path.GetFileName(filePath.TrimEnd('/'));
        int dot = name.LastIndexOf('.');
        bool hasExtension = dot > 0 && name.AsSpan(0, dot).ContainsAnyExcept('.');
        string stem = hasExtension ? name[..dot] : name;
        string extension = hasExtension ? name[dot..] : "";
        return stem + "_OUTPUT" + extension;
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out string? value) ? value : throw new WorkerArgumentException($"{name} is required");

    private static int ParseNumWords(string text)
    {
        // Digits only: no sign, no spaces, no culture. A count beyond int.MaxValue means "all of them" anyway.
        if (text.Length == 0 || !text.AsSpan().ContainsOnlyAsciiDigits())
        {
            throw new WorkerArgumentException($"--numwords must be a whole number 0 or more, not '{text}'");
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n <= int.MaxValue
            ? (int)n : int.MaxValue;
    }

    private static WordRule ParseRule(string text) => text.ToLowerInvariant() switch
    {
        "tutorial" => WordRule.Tutorial,
        "letters" => WordRule.Letters,
        _ => throw new WorkerArgumentException($"--rule must be 'tutorial' or 'letters', not '{text}'"),
    };

    private static int ParseThreads(string text)
    {
        if (text.Equals("auto", StringComparison.OrdinalIgnoreCase)) return 0;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 256) return n;
        throw new WorkerArgumentException($"--threads must be 'auto' or a number from 1 to 256, not '{text}'");
    }
}

internal static class SpanDigits
{
    public static bool ContainsOnlyAsciiDigits(this ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');
}
