namespace BatchWords.Emulator.AutoScale;

/// <summary>POST /pools/{id}/enableautoscale.</summary>
public sealed record EnableAutoScaleRequest
{
    public string? AutoScaleFormula { get; init; }
    public TimeSpan? AutoScaleEvaluationInterval { get; init; }
}

/// <summary>POST /pools/{id}/evaluateautoscale.</summary>
public sealed record EvaluateAutoScaleRequest
{
    public string? AutoScaleFormula { get; init; }
}

/// <summary>AutoScaleRun: when a formula was evaluated, its variables as "$name=value;...", or why it failed.</summary>
public sealed record AutoScaleRun
{
    public required DateTimeOffset Timestamp { get; init; }
    public string? Results { get; init; }
    public AutoScaleRunError? Error { get; init; }
}

public sealed record AutoScaleRunError
{
    public required string Code { get; init; }
    public required string Message { get; init; }
    public IReadOnlyList<Model.NameValue>? Values { get; init; }
}

/// <summary>A pool's autoscale settings while enabled, its last run, and the metric history its formulas sample.</summary>
public sealed class PoolAutoScaleState
{
    public required string Formula { get; set; }
    public required TimeSpan EvaluationInterval { get; set; }
    public AutoScaleRun? LastRun { get; set; }

    /// <summary>Ends the periodic evaluation when autoscale is disabled, re-enabled or the pool goes.</summary>
    public CancellationTokenSource Stop { get; } = new();
}
