using System.Globalization;

namespace BatchWords.Emulator.AutoScale;

/// <summary>
/// The service-defined variables, constants, functions and methods the emulator implements, and the documented
/// ones it does not (refused by name rather than mistaken for a user variable).
/// </summary>
public static class AutoScaleBuiltins
{
    /// <summary>Batch takes a sample of its metrics every 30 seconds; GetSamplePercent counts against this rate.</summary>
    public static readonly TimeSpan SampleRate = TimeSpan.FromSeconds(30);

    public const string TargetDedicated = "$TargetDedicatedNodes";
    public const string TargetLowPriority = "$TargetLowPriorityNodes";
    public const string DeallocationOption = "$NodeDeallocationOption";

    /// <summary>Sampled task and node metrics the emulator keeps; the last three also read as a plain number.</summary>
    public static readonly string[] Metrics =
    {
        "$PendingTasks", "$ActiveTasks", "$RunningTasks", "$SucceededTasks", "$FailedTasks", "$PreemptedNodeCount", "$UsableNodeCount",
        "$CurrentDedicatedNodes", "$CurrentLowPriorityNodes", "$TaskSlotsPerNode",
    };

    public static readonly string[] PlainNumberMetrics = { "$CurrentDedicatedNodes", "$CurrentLowPriorityNodes", "$TaskSlotsPerNode" };

    /// <summary>Documented resource metrics: the emulator measures no CPU, memory, disk or network.</summary>
    private static readonly string[] UnsupportedVariables =
    {
        "$CPUPercent", "$WallClockSeconds", "$MemoryBytes", "$DiskBytes", "$DiskReadBytes", "$DiskWriteBytes", "$DiskReadOps",
        "$DiskWriteOps", "$NetworkInBytes", "$NetworkOutBytes", "$SampleNodeCount", "$TargetLowPriorityNodesScaleFactor",
    };

    private static readonly Dictionary<string, TimeSpan> Intervals = new(StringComparer.Ordinal)
    {
        ["TimeInterval_Zero"] = TimeSpan.Zero,
        ["TimeInterval_100ns"] = TimeSpan.FromTicks(1),
        ["TimeInterval_Microsecond"] = TimeSpan.FromTicks(10),
        ["TimeInterval_Millisecond"] = TimeSpan.FromMilliseconds(1),
        ["TimeInterval_Second"] = TimeSpan.FromSeconds(1),
        ["TimeInterval_Minute"] = TimeSpan.FromMinutes(1),
        ["TimeInterval_Hour"] = TimeSpan.FromHours(1),
        ["TimeInterval_Day"] = TimeSpan.FromDays(1),
        ["TimeInterval_Week"] = TimeSpan.FromDays(7),
        ["TimeInterval_Year"] = TimeSpan.FromDays(365),
    };

    private static readonly string[] DeallocationKeywords = { "requeue", "terminate", "taskcompletion", "retaineddata" };

    private static readonly string[] Functions = { "avg", "ceil", "floor", "len", "lg", "ln", "log", "max", "min", "round", "std", "sum", "time", "val" };

    private static readonly string[] UnsupportedFunctions = { "norm", "percentile", "rand", "range", "stop" };

    public static bool IsReadOnly(string name) =>
        Metrics.Contains(name) || UnsupportedVariables.Contains(name) || Intervals.ContainsKey(name);

    /// <summary>A name that is not assigned by the formula: a constant, a keyword, or a service-defined variable.</summary>
    public static AutoScaleValue? Constant(string name, IReadOnlyDictionary<string, AutoScaleMetric> metrics)
    {
        if (Intervals.TryGetValue(name, out var interval)) return AutoScaleValue.Of(interval);
        if (DeallocationKeywords.Contains(name)) return AutoScaleValue.OfText(name);
        if (metrics.TryGetValue(name, out var metric)) return AutoScaleValue.Of(metric);
        if (UnsupportedVariables.Contains(name))
            throw new AutoScaleFormulaException("UnsupportedVariable", $"{name} is a resource metric; the emulator measures no CPU, memory, disk or network and does not support it.");
        return null;
    }

    public static void CheckFunction(string name)
    {
        if (Functions.Contains(name)) return;
        throw UnsupportedFunctions.Contains(name)
            ? new AutoScaleFormulaException("UnsupportedFunction", $"The function {name}() is not supported by the emulator's formula evaluator.")
            : new AutoScaleFormulaException("UnknownFunction", $"{name}() is not a function of the autoscale formula language.");
    }

    public static AutoScaleValue CallFunction(string name, IReadOnlyList<AutoScaleValue> arguments, AutoScaleScope scope)
    {
        switch (name)
        {
            case "time":
                if (arguments.Count == 0) return AutoScaleValue.Of(scope.Now);
                var text = arguments[0].Kind == AutoScaleKind.Text ? arguments[0].Text : throw new AutoScaleFormulaException("TypeMismatch", "time() takes a string.");
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? AutoScaleValue.Of(parsed) : throw new AutoScaleFormulaException("InvalidArgument", $"time(\"{text}\") is not a timestamp.");
            case "val":
                if (arguments.Count != 2 || arguments[0].Kind != AutoScaleKind.Vector) throw new AutoScaleFormulaException("InvalidArgument", "val(v, i) takes a doubleVec and an index.");
                var index = (int)arguments[1].AsNumber("val()");
                return index >= 0 && index < arguments[0].Vector.Count ? AutoScaleValue.Of(arguments[0].Vector[index])
                    : throw new AutoScaleFormulaException("InvalidArgument", $"val(): index {index} is outside a doubleVec of {arguments[0].Vector.Count}.");
        }
        var values = Flatten(name, arguments);
        double One() => values.Count == 1 ? values[0] : throw new AutoScaleFormulaException("InvalidArgument", $"{name}() takes one double.");
        return AutoScaleValue.Of(name switch
        {
            "avg" => NonEmpty(name, values).Average(),
            "max" => NonEmpty(name, values).Max(),
            "min" => NonEmpty(name, values).Min(),
            "sum" => values.Sum(),
            "len" => values.Count,
            "std" => Std(NonEmpty(name, values)),
            "ceil" => Math.Ceiling(One()),
            "floor" => Math.Floor(One()),
            "round" => Math.Round(One(), MidpointRounding.AwayFromZero),
            "lg" => Math.Log2(One()),
            "ln" => Math.Log(One()),
            "log" => Math.Log10(One()),
            _ => throw new AutoScaleFormulaException("UnknownFunction", $"{name}() is not a function of the autoscale formula language."),
        });
    }

    private static List<double> NonEmpty(string name, List<double> values) =>
        values.Count > 0 ? values : throw new AutoScaleFormulaException("EmptyArgument", $"{name}() was given no values (an empty sample set?).");

    private static double Std(List<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }

    /// <summary>A doubleVecList: doubles and doubleVecs mixed, as max/min/avg/sum take them.</summary>
    private static List<double> Flatten(string name, IReadOnlyList<AutoScaleValue> arguments)
    {
        var values = new List<double>();
        foreach (var argument in arguments)
        {
            if (argument.Kind == AutoScaleKind.Vector) values.AddRange(argument.Vector);
            else values.Add(argument.AsNumber($"{name}()"));
        }
        return values;
    }

    public static AutoScaleValue Field(AutoScaleValue receiver, string field)
    {
        if (receiver.Kind != AutoScaleKind.Timestamp)
            throw new AutoScaleFormulaException("UnsupportedConstruct", $"'.{field}' is only defined here on a timestamp, not on a {receiver.TypeName}.");
        var t = receiver.Timestamp.UtcDateTime;
        return AutoScaleValue.Of(field switch
        {
            "year" => t.Year,
            "month" => t.Month,
            "day" => t.Day,
            "weekday" => (int)t.DayOfWeek,
            "hour" => t.Hour,
            "minute" => t.Minute,
            "second" => t.Second,
            _ => throw new AutoScaleFormulaException("UnsupportedConstruct", $"A timestamp has no field '{field}' (year, month, day, weekday, hour, minute, second)."),
        });
    }

    public static AutoScaleValue CallMethod(AutoScaleValue receiver, string method, IReadOnlyList<AutoScaleValue> arguments, AutoScaleScope scope)
    {
        if (receiver.Kind != AutoScaleKind.Metric)
            throw new AutoScaleFormulaException("UnsupportedConstruct", $"{method}() is a method of a sampled metric such as $PendingTasks, not of a {receiver.TypeName}.");
        var metric = receiver.Metric!;
        var samples = metric.Samples; // oldest first
        switch (method)
        {
            case "Count":
                return AutoScaleValue.Of(samples.Count);
            case "HistoryBeginTime":
                return samples.Count > 0 ? AutoScaleValue.Of(samples[0].Time) : throw NoSamples(metric);
            case "GetSamplePeriod":
                return AutoScaleValue.Of(samples.Count > 0 ? samples[^1].Time - samples[0].Time : TimeSpan.Zero);
            case "GetSamplePercent":
            {
                var (from, to) = Window(method, arguments, scope, out _);
                return AutoScaleValue.Of(Percent(samples, from, to));
            }
            case "GetSample":
            {
                if (arguments.Count == 1 && arguments[0].Kind == AutoScaleKind.Number)
                {
                    var count = (int)arguments[0].Number;
                    if (count < 1) throw new AutoScaleFormulaException("InvalidArgument", $"{metric.Name}.GetSample({count}): the count is at least 1.");
                    if (samples.Count == 0) throw NoSamples(metric);
                    return AutoScaleValue.Of(samples.Reverse().Take(count).Select(s => s.Value).ToList());
                }
                var (from, to) = Window(method, arguments, scope, out var required);
                var percent = Percent(samples, from, to);
                if (required is { } needed && percent < needed)
                    throw new AutoScaleFormulaException("InsufficientSampleData",
                        $"{metric.Name}.GetSample: {percent:0.#}% of the samples of that period exist, {needed:0.#}% were required.");
                return AutoScaleValue.Of(samples.Where(s => s.Time >= from && s.Time <= to).Reverse().Select(s => s.Value).ToList());
            }
            default:
                throw new AutoScaleFormulaException("UnsupportedConstruct",
                    $"{metric.Name}.{method}() is not supported by the emulator (GetSample, GetSamplePercent, GetSamplePeriod, Count, HistoryBeginTime are).");
        }
    }

    private static AutoScaleFormulaException NoSamples(AutoScaleMetric metric) =>
        new("InsufficientSampleData", $"{metric.Name} has no samples yet.");

    /// <summary>(interval), (interval, percent), (start, end) or (start, end, percent), intervals counted back from now.</summary>
    private static (DateTimeOffset From, DateTimeOffset To) Window(string method, IReadOnlyList<AutoScaleValue> arguments, AutoScaleScope scope, out double? percent)
    {
        percent = null;
        if (arguments.Count is < 1 or > 3 || arguments[0].Kind != AutoScaleKind.Interval)
            throw new AutoScaleFormulaException("InvalidArgument", $"{method}() takes a timeinterval (e.g. TimeInterval_Minute * 5), optionally an end interval and a percent.");
        var from = scope.Now - arguments[0].Interval;
        var to = scope.Now;
        var next = 1;
        if (arguments.Count > 1 && arguments[1].Kind == AutoScaleKind.Interval)
        {
            to = scope.Now - arguments[1].Interval;
            next = 2;
        }
        if (arguments.Count > next) percent = arguments[next].AsNumber($"{method}() percent");
        return (from, to);
    }

    private static double Percent(IReadOnlyList<AutoScaleSample> samples, DateTimeOffset from, DateTimeOffset to)
    {
        var expected = Math.Max(1, (to - from) / SampleRate);
        var found = samples.Count(s => s.Time >= from && s.Time <= to);
        return Math.Min(100, found / expected * 100);
    }
}
