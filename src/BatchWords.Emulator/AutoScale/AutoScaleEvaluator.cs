using System.Globalization;

namespace BatchWords.Emulator.AutoScale;

/// <summary>What one evaluation decided: the new targets and deallocation option, and the AutoScaleRun results text.</summary>
public sealed record AutoScaleOutcome(int TargetDedicatedNodes, int TargetLowPriorityNodes, string NodeDeallocationOption, string Results);

/// <summary>
/// Evaluates an autoscale formula against a pool's metrics. Fractional targets are truncated toward zero (the
/// emulator's choice: formulas that mean "round up" say ceil()); a negative or non-finite target, or one above
/// 1000, is an error, as is a $NodeDeallocationOption other than requeue, terminate, taskcompletion or retaineddata.
/// </summary>
public static class AutoScaleEvaluator
{
    private const int MaxNodes = 1000;
    private static readonly string[] FirstInResults = { AutoScaleBuiltins.TargetDedicated, AutoScaleBuiltins.TargetLowPriority, AutoScaleBuiltins.DeallocationOption };

    public static AutoScaleOutcome Evaluate(string formula, AutoScaleScope scope)
    {
        if (string.IsNullOrWhiteSpace(formula)) throw new AutoScaleFormulaException("InvalidFormula", "The formula is empty.");
        foreach (var (variable, value) in AutoScaleParser.Parse(formula)) scope.Assigned[variable] = value(scope);

        var dedicated = Target(scope, AutoScaleBuiltins.TargetDedicated);
        var lowPriority = Target(scope, AutoScaleBuiltins.TargetLowPriority);
        var option = scope.Assigned[AutoScaleBuiltins.DeallocationOption];
        if (option.Kind != AutoScaleKind.Text || option.Text is not ("requeue" or "terminate" or "taskcompletion" or "retaineddata"))
            throw new AutoScaleFormulaException("InvalidDeallocationOption",
                $"$NodeDeallocationOption is {option}; use requeue, terminate, taskcompletion or retaineddata.");

        var ordered = FirstInResults.Concat(scope.Assigned.Keys.Except(FirstInResults).OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
        var results = string.Join(";", ordered.Select(k => k switch
        {
            AutoScaleBuiltins.TargetDedicated => $"{k}={dedicated.ToString(CultureInfo.InvariantCulture)}",
            AutoScaleBuiltins.TargetLowPriority => $"{k}={lowPriority.ToString(CultureInfo.InvariantCulture)}",
            _ => $"{k}={scope.Assigned[k]}",
        }));
        return new AutoScaleOutcome(dedicated, lowPriority, option.Text, results);
    }

    private static int Target(AutoScaleScope scope, string name)
    {
        var value = scope.Assigned[name];
        if (value.Kind == AutoScaleKind.Vector)
            throw new AutoScaleFormulaException("TypeMismatch", $"{name} is a doubleVec; reduce it with avg, max, min or sum (GetSample returns a doubleVec).");
        var number = value.AsNumber(name);
        if (!double.IsFinite(number) || number < 0 || number > MaxNodes)
            throw new AutoScaleFormulaException("InvalidTarget", $"{name} evaluated to {number.ToString(CultureInfo.InvariantCulture)}; it must be 0 to {MaxNodes}.");
        return (int)Math.Truncate(number);
    }
}
