using System.Globalization;

namespace BatchWords.Emulator.Preemption;

/// <summary>
/// Random Spot preemption for rehearsals (BATCHWORDS_EMULATOR_PREEMPTION; not part of the Batch API): every
/// <see cref="Every"/>, each Spot node that is running a task is preempted with probability <see cref="Rate"/>.
/// Text form: "rate=0.3;every=2;seed=7" (seconds for every; every key optional but rate).
/// </summary>
public sealed record PreemptionSettings
{
    public const string Variable = "BATCHWORDS_EMULATOR_PREEMPTION";

    public double Rate { get; init; }
    public TimeSpan Every { get; init; } = TimeSpan.FromSeconds(2);
    public int? Seed { get; init; }

    /// <summary>Null for an absent or empty text; throws <see cref="ArgumentException"/> naming the bad part.</summary>
    public static PreemptionSettings? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var settings = new PreemptionSettings();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2) throw Bad(part, "expected key=value");
            settings = pair[0].ToLowerInvariant() switch
            {
                "rate" => settings with { Rate = double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : throw Bad(part, "rate is a share from 0 to 1") },
                "every" => settings with { Every = double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is >= 0.1 and <= 3600 ? TimeSpan.FromSeconds(s) : throw Bad(part, "every is 0.1 to 3600 seconds") },
                "seed" => settings with { Seed = int.TryParse(pair[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed) ? seed : throw Bad(part, "seed is a whole number") },
                _ => throw Bad(part, "known keys are rate, every and seed"),
            };
        }
        return settings;
    }

    private static ArgumentException Bad(string part, string why) => new($"{Variable}: '{part}' is not valid: {why}.");
}
