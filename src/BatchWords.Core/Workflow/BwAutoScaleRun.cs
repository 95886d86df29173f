using BatchWords.Batch;

namespace BatchWords;

/// <summary>One evaluation of an autoscale formula: the targets it yields and every variable, or the error it met.</summary>
public sealed class BwAutoScaleRun : BwResource
{
    public required string PoolId { get; init; }
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>$TargetDedicatedNodes / $TargetLowPriorityNodes / $NodeDeallocationOption from the results; null on error.</summary>
    public int? TargetDedicatedNodes { get; init; }
    public int? TargetSpotNodes { get; init; }
    public string? NodeDeallocationOption { get; init; }

    /// <summary>Every variable the formula set, name to value, as the service reported them.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>The service's raw results text ("$TargetDedicatedNodes=2;...").</summary>
    public string? Results { get; init; }

    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public bool Succeeded => ErrorCode is null;

    internal static BwAutoScaleRun From(string poolId, AutoScaleRun run, BwContext? context)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (run.Results ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2) variables[parts[0].Trim()] = parts[1].Trim();
        }
        int? Target(string name) => variables.TryGetValue(name, out var v) && double.TryParse(v, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var d) ? (int)d : null;
        var details = run.Error?.Values?.Where(v => v.Name != "Formula").Select(v => $"{v.Name}: {v.Value}").ToList();
        return new BwAutoScaleRun
        {
            Context = context,
            PoolId = poolId,
            Timestamp = run.Timestamp,
            TargetDedicatedNodes = run.Error is null ? Target("$TargetDedicatedNodes") : null,
            TargetSpotNodes = run.Error is null ? Target("$TargetLowPriorityNodes") : null,
            NodeDeallocationOption = run.Error is null ? variables.GetValueOrDefault("$NodeDeallocationOption") : null,
            Variables = variables,
            Results = run.Results,
            ErrorCode = run.Error?.Code,
            ErrorMessage = run.Error is null ? null : run.Error.Message + (details is { Count: > 0 } ? " (" + string.Join("; ", details) + ")" : ""),
        };
    }
}
