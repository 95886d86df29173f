namespace BatchWords.Bench;

/// <summary>The bench's command line: build.ps1 passes --worker, --out and --sizes; the rest have defaults.</summary>
public sealed record BenchOptions
{
    public required string Worker { get; init; }
    public required string OutDirectory { get; init; }
    public int[] SizesMB { get; init; } = [100, 1000];
    public int Repeat { get; init; } = 3;
    public int NumWords { get; init; } = 1000;
    public int ColdRuns { get; init; } = 200;
    public string Python { get; init; } = "python3";

    public const string Usage =
        "usage: BatchWords.Bench --worker <batchwords-worker> --out <dir> [--sizes 100,1000] [--repeat 3] " +
        "[--numwords 1000] [--cold-runs 200] [--python python3]";

    /// <summary>A whole number of at least 1, or an ArgumentException naming the option and the value (not a FormatException).</summary>
    private static int Number(string name, string text) =>
        int.TryParse(text, out int value) && value >= 1
            ? value
            : throw new ArgumentException($"{name} takes whole numbers of at least 1 (sizes: comma-separated, as in 100,1000), not '{text}'\n{Usage}");

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length) throw new ArgumentException($"bad argument '{args[i]}'\n{Usage}");
            values[args[i]] = args[++i];
        }
        string Get(string name) => values.TryGetValue(name, out string? v) ? v : throw new ArgumentException($"{name} is required\n{Usage}");
        int Int(string name, int fallback) => values.TryGetValue(name, out string? v) ? Number(name, v) : fallback;
        return new BenchOptions
        {
            Worker = Path.GetFullPath(Get("--worker")),
            OutDirectory = Path.GetFullPath(Get("--out")),
            SizesMB = values.TryGetValue("--sizes", out string? sizes)
                ? sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => Number("--sizes", s)).ToArray()
                : [100, 1000],
            Repeat = Int("--repeat", 3),
            NumWords = Int("--numwords", 1000),
            ColdRuns = Int("--cold-runs", 200),
            Python = values.GetValueOrDefault("--python", "python3"),
        };
    }
}
