namespace BatchWords.Emulator.AutoScale;

/// <summary>The variables of one evaluation: what the formula assigned so far, then constants and service-defined variables.</summary>
public sealed class AutoScaleScope
{
    private readonly IReadOnlyDictionary<string, AutoScaleMetric> _metrics;

    public AutoScaleScope(DateTimeOffset now, IReadOnlyDictionary<string, AutoScaleMetric> metrics, int targetDedicated, int targetLowPriority)
    {
        Now = now;
        _metrics = metrics;
        // The writable service variables start at the pool's current targets, so a formula that leaves one out keeps it.
        Assigned[AutoScaleBuiltins.TargetDedicated] = AutoScaleValue.Of(targetDedicated);
        Assigned[AutoScaleBuiltins.TargetLowPriority] = AutoScaleValue.Of(targetLowPriority);
        Assigned[AutoScaleBuiltins.DeallocationOption] = AutoScaleValue.OfText("requeue");
    }

    public DateTimeOffset Now { get; }

    public Dictionary<string, AutoScaleValue> Assigned { get; } = new(StringComparer.Ordinal);

    public AutoScaleValue Read(string name) =>
        Assigned.TryGetValue(name, out var value) ? value
            : AutoScaleBuiltins.Constant(name, _metrics)
              ?? throw new AutoScaleFormulaException("UndefinedVariable",
                  $"{name} is used before it is assigned and is not a service-defined variable the emulator knows.");
}
