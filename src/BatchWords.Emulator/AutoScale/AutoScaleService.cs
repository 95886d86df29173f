using BatchWords.Emulator.Runtime;
using BatchWords.Emulator.State;

namespace BatchWords.Emulator.AutoScale;

/// <summary>
/// Autoscale for the emulator's pools: samples every pool's metrics every 30 seconds, evaluates a pool's formula
/// when autoscale is enabled and then every autoScaleEvaluationInterval, and applies the targets it yields (the
/// pool resizes as for a resize call, with the formula's $NodeDeallocationOption). Evaluate-only calls use the
/// same evaluator without changing anything.
/// </summary>
public sealed class AutoScaleService
{
    private readonly EmulatorRuntime _runtime;

    public AutoScaleService(EmulatorRuntime runtime) => _runtime = runtime;

    public AutoScaleMetrics Metrics { get; } = new();

    /// <summary>The 30-second sampler; it ends when the emulator stops.</summary>
    public void Start() => _runtime.Background("autoscale sampler", async () =>
    {
        var last = DateTimeOffset.MinValue;
        while (!_runtime.IsStopping)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var now = EmulatorState.Now;
            if (now - last < AutoScaleBuiltins.SampleRate) continue;
            last = now;
            lock (_runtime.State.Gate)
                foreach (var pool in _runtime.State.Pools.Values) Metrics.Sample(_runtime.State, pool, now);
        }
    });

    /// <summary>Under the lock: a syntax error in a formula, as the 400 a create or enable call answers with; null when it parses.</summary>
    public static string? SyntaxError(string formula)
    {
        try
        {
            AutoScaleParser.Parse(formula);
            return null;
        }
        catch (AutoScaleFormulaException e) { return e.Message; }
    }

    /// <summary>Under the lock: evaluates a formula against the pool now, changing nothing.</summary>
    public AutoScaleRun Evaluate(PoolState pool, string formula) => Run(pool, formula).Run;

    /// <summary>Under the lock: turns autoscale on (or replaces its settings), evaluates at once and then periodically.</summary>
    public void Enable(PoolState pool, string formula, TimeSpan interval)
    {
        pool.AutoScale?.Stop.Cancel();
        var settings = new PoolAutoScaleState { Formula = formula, EvaluationInterval = interval };
        pool.AutoScale = settings;
        Apply(pool, settings);
        _runtime.Background($"autoscale {pool.Id}", async () =>
        {
            while (!_runtime.IsStopping)
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(settings.Stop.Token, _runtime.StoppingToken);
                try { await Task.Delay(settings.EvaluationInterval, either.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                lock (_runtime.State.Gate)
                {
                    if (pool.AutoScale != settings || pool.IsDeleting) return;
                    Apply(pool, settings);
                }
                _runtime.Scheduler.Wake();
            }
        });
    }

    /// <summary>Under the lock: autoscale off; the pool keeps its current targets.</summary>
    public void Disable(PoolState pool)
    {
        pool.AutoScale?.Stop.Cancel();
        pool.AutoScale = null;
        pool.Touch(_runtime.State);
    }

    private void Apply(PoolState pool, PoolAutoScaleState settings)
    {
        var (run, outcome) = Run(pool, settings.Formula);
        settings.LastRun = run;
        if (outcome is not null)
        {
            pool.TargetDedicatedNodes = outcome.TargetDedicatedNodes;
            pool.TargetLowPriorityNodes = outcome.TargetLowPriorityNodes;
            _runtime.Nodes.ApplyTargets(pool, outcome.NodeDeallocationOption);
        }
        pool.Touch(_runtime.State);
        _runtime.State.Changed(pool);
    }

    private (AutoScaleRun Run, AutoScaleOutcome? Outcome) Run(PoolState pool, string formula)
    {
        var scope = Metrics.Scope(_runtime.State, pool);
        try
        {
            var outcome = AutoScaleEvaluator.Evaluate(formula, scope);
            return (new AutoScaleRun { Timestamp = scope.Now, Results = outcome.Results }, outcome);
        }
        catch (AutoScaleFormulaException e)
        {
            return (new AutoScaleRun
            {
                Timestamp = scope.Now,
                Error = new AutoScaleRunError
                {
                    Code = e.Code,
                    Message = e.Message,
                    Values = new[] { new Model.NameValue { Name = "Formula", Value = formula } },
                },
            }, null);
        }
    }
}
