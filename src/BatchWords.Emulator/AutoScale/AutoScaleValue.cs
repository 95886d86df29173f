using System.Globalization;

namespace BatchWords.Emulator.AutoScale;

/// <summary>The value kinds of the autoscale formula language: double, doubleVec, timeinterval, timestamp, string, and a sampled metric.</summary>
public enum AutoScaleKind { Number, Vector, Interval, Timestamp, Text, Metric }

/// <summary>One value while a formula is evaluated. Immutable.</summary>
public sealed class AutoScaleValue
{
    private AutoScaleValue(AutoScaleKind kind) => Kind = kind;

    public AutoScaleKind Kind { get; }
    public double Number { get; private init; }
    public IReadOnlyList<double> Vector { get; private init; } = Array.Empty<double>();
    public TimeSpan Interval { get; private init; }
    public DateTimeOffset Timestamp { get; private init; }
    public string Text { get; private init; } = "";
    public AutoScaleMetric? Metric { get; private init; }

    public static AutoScaleValue Of(double number) => new(AutoScaleKind.Number) { Number = number };
    public static AutoScaleValue Of(bool flag) => Of(flag ? 1.0 : 0.0);
    public static AutoScaleValue Of(IReadOnlyList<double> vector) => new(AutoScaleKind.Vector) { Vector = vector };
    public static AutoScaleValue Of(TimeSpan interval) => new(AutoScaleKind.Interval) { Interval = interval };
    public static AutoScaleValue Of(DateTimeOffset timestamp) => new(AutoScaleKind.Timestamp) { Timestamp = timestamp };
    public static AutoScaleValue OfText(string text) => new(AutoScaleKind.Text) { Text = text };
    public static AutoScaleValue Of(AutoScaleMetric metric) => new(AutoScaleKind.Metric) { Metric = metric };

    public string TypeName => Kind switch
    {
        AutoScaleKind.Number => "double",
        AutoScaleKind.Vector => "doubleVec",
        AutoScaleKind.Interval => "timeinterval",
        AutoScaleKind.Timestamp => "timestamp",
        AutoScaleKind.Text => "string",
        _ => "sampled metric",
    };

    /// <summary>As a double; a metric that has a plain current value (node counts) gives it, a sampled-only metric is an error.</summary>
    public double AsNumber(string where) => Kind switch
    {
        AutoScaleKind.Number => Number,
        AutoScaleKind.Metric when Metric!.UsableAsNumber => Metric.Current,
        AutoScaleKind.Metric => throw new AutoScaleFormulaException("SampledMetricUsedAsNumber",
            $"{Metric!.Name} is a sampled metric and has no single value in {where}: use {Metric.Name}.GetSample(1) or another GetSample form."),
        _ => throw new AutoScaleFormulaException("TypeMismatch", $"{where} needs a double, not a {TypeName}."),
    };

    public bool IsTrue(string where) => AsNumber(where) != 0;

    /// <summary>As the results string of an AutoScaleRun shows it.</summary>
    public override string ToString() => Kind switch
    {
        AutoScaleKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        AutoScaleKind.Vector => "[" + string.Join(",", Vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]",
        AutoScaleKind.Interval => System.Xml.XmlConvert.ToString(Interval),
        AutoScaleKind.Timestamp => Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        AutoScaleKind.Text => Text,
        _ => Metric!.Name,
    };
}

/// <summary>A service-defined sampled variable ($PendingTasks, ...): its samples, newest last.</summary>
public sealed record AutoScaleMetric(string Name, double Current, IReadOnlyList<AutoScaleSample> Samples, bool UsableAsNumber);

/// <summary>One sample of one metric.</summary>
public readonly record struct AutoScaleSample(DateTimeOffset Time, double Value);

/// <summary>A formula that cannot be evaluated: its code and a message that names the construct or value at fault.</summary>
public sealed class AutoScaleFormulaException : Exception
{
    public AutoScaleFormulaException(string code, string message) : base(message) => Code = code;

    public string Code { get; }
}
