using System.Globalization;

namespace BatchWords.Emulator.Faults;

/// <summary>
/// The test-only fault mode (BATCHWORDS_EMULATOR_FAULTS), so that tests can prove a client survives what the real
/// service does now and then: throttling (429) and unavailability (503) with Retry-After, connections dropped
/// before a request had any effect, and connections dropped after it took effect (the client cannot know that
/// its change went through). Each request draws at most one fault.
/// Text form: "rate=0.2;statuses=429,503;retryAfter=1;drop=0.05;dropAfter=0.05;seed=7", every key optional.
/// </summary>
public sealed record FaultSettings
{
    public const string Variable = "BATCHWORDS_EMULATOR_FAULTS";

    private static readonly int[] AllowedStatuses = { 429, 500, 502, 503, 504 };

    /// <summary>Share of requests answered with one of <see cref="Statuses"/> before they have any effect.</summary>
    public double Rate { get; init; }

    /// <summary>The statuses <see cref="Rate"/> answers with, chosen at random among them.</summary>
    public IReadOnlyList<int> Statuses { get; init; } = new[] { 429, 503 };

    /// <summary>The Retry-After header (seconds) sent with those answers.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Share of requests whose connection is dropped (no response) before they have any effect.</summary>
    public double Drop { get; init; }

    /// <summary>Share of requests that take effect and whose response is then dropped.</summary>
    public double DropAfter { get; init; }

    /// <summary>Seed of the draws, for a reproducible sequence; random when absent.</summary>
    public int? Seed { get; init; }

    public bool IsActive => Rate > 0 || Drop > 0 || DropAfter > 0;

    /// <summary>Null for an absent or empty text; throws <see cref="ArgumentException"/> naming the bad part.</summary>
    public static FaultSettings? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var settings = new FaultSettings();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2) throw Bad(part, "expected key=value");
            var (key, value) = (pair[0], pair[1]);
            settings = key.ToLowerInvariant() switch
            {
                "rate" => settings with { Rate = Share(part, value) },
                "drop" => settings with { Drop = Share(part, value) },
                "dropafter" => settings with { DropAfter = Share(part, value) },
                "retryafter" => settings with { RetryAfterSeconds = Integer(part, value, 0, 3600) },
                "seed" => settings with { Seed = Integer(part, value, int.MinValue, int.MaxValue) },
                "statuses" => settings with { Statuses = StatusList(part, value) },
                _ => throw Bad(part, "known keys are rate, statuses, retryAfter, drop, dropAfter and seed"),
            };
        }
        if (settings.Rate + settings.Drop + settings.DropAfter > 1)
            throw new ArgumentException($"{Variable}: rate + drop + dropAfter is more than 1.");
        return settings;
    }

    private static double Share(string part, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is >= 0 and <= 1
            ? share : throw Bad(part, "a share is a number from 0 to 1");

    private static int Integer(string part, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number : throw Bad(part, $"expected a whole number from {min} to {max}");

    private static int[] StatusList(string part, string value)
    {
        var statuses = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && AllowedStatuses.Contains(status)
                ? status : throw Bad(part, "statuses are among " + string.Join(", ", AllowedStatuses)))
            .ToArray();
        return statuses.Length > 0 ? statuses : throw Bad(part, "give at least one status");
    }

    private static ArgumentException Bad(string part, string why) => new($"{Variable}: '{part}' is not valid: {why}.");
}
