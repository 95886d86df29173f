namespace BatchWords.Batch;

/// <summary>The body of POST /pools/{id}/enableautoscale. Either may be left out when autoscale is already on.</summary>
public sealed class BatchPoolEnableAutoScaleOptions
{
    public string? AutoScaleFormula { get; set; }

    /// <summary>5 minutes to 168 hours; service default 15 minutes.</summary>
    public TimeSpan? AutoScaleEvaluationInterval { get; set; }
}

/// <summary>The body of POST /pools/{id}/evaluateautoscale.</summary>
public sealed class BatchPoolEvaluateAutoScaleOptions
{
    public BatchPoolEvaluateAutoScaleOptions(string autoScaleFormula) =>
        AutoScaleFormula = autoScaleFormula ?? throw new ArgumentNullException(nameof(autoScaleFormula));

    public string AutoScaleFormula { get; set; }
}

/// <summary>The result of evaluating a formula: its variables as "$name=value;...", or the error it met.</summary>
public sealed class AutoScaleRun
{
    public DateTimeOffset? Timestamp { get; init; }
    public string? Results { get; init; }
    public AutoScaleRunError? Error { get; init; }
}

public sealed class AutoScaleRunError
{
    public string? Code { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<NameValuePair>? Values { get; init; }
}
