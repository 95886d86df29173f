using BatchWords.Emulator.AutoScale;
using Xunit;

namespace BatchWords.Emulator.Tests.AutoScale;

/// <summary>
/// The documented example formulas ("Create a formula to automatically scale compute nodes in a Batch pool") and
/// the refusals of what the emulator does not implement, each with a known history of samples.
/// </summary>
public class AutoScaleEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 30, 0, TimeSpan.Zero); // a Wednesday

    /// <summary>A scope whose $PendingTasks/$ActiveTasks history is the given values, 30 s apart, the last one now.</summary>
    private static AutoScaleScope Scope(double[] pending, int targetDedicated = 0, int targetLowPriority = 0, double preempted = 0, double[]? active = null)
    {
        AutoScaleMetric Metric(string name, double[] values, bool plain = false) => new(name, values[^1],
            values.Select((v, i) => new AutoScaleSample(Now - (values.Length - 1 - i) * AutoScaleBuiltins.SampleRate, v)).ToList(), plain);
        var metrics = new Dictionary<string, AutoScaleMetric>
        {
            ["$PendingTasks"] = Metric("$PendingTasks", pending),
            ["$ActiveTasks"] = Metric("$ActiveTasks", active ?? pending),
            ["$RunningTasks"] = Metric("$RunningTasks", new[] { 0.0 }),
            ["$PreemptedNodeCount"] = Metric("$PreemptedNodeCount", new[] { preempted }),
            ["$CurrentDedicatedNodes"] = Metric("$CurrentDedicatedNodes", new[] { (double)targetDedicated }, plain: true),
            ["$TaskSlotsPerNode"] = Metric("$TaskSlotsPerNode", new[] { 4.0 }, plain: true),
        };
        return new AutoScaleScope(Now, metrics, targetDedicated, targetLowPriority);
    }

    private static AutoScaleOutcome Evaluate(string formula, AutoScaleScope scope) => AutoScaleEvaluator.Evaluate(formula, scope);

    private const string PendingTasksExample = """
        // Get pending tasks for the past 15 minutes.
        $samples = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 15);
        // If we have fewer than 70 percent data points, we use the last sample point, otherwise we use the maximum of last sample point and the history average.
        $tasks = $samples < 70 ? max(0, $PendingTasks.GetSample(1)) : max( $PendingTasks.GetSample(1), avg($PendingTasks.GetSample(TimeInterval_Minute * 15)));
        // If number of pending tasks is not 0, set targetVM to pending tasks, otherwise half of current dedicated.
        $targetVMs = $tasks > 0 ? $tasks : max(0, $TargetDedicatedNodes / 2);
        // The pool size is capped at 20, if target VM value is more than that, set it to 20. This value should be adjusted according to your use case.
        $TargetDedicatedNodes = max(0, min($targetVMs, 20));
        // Set node deallocation mode - let running tasks finish before removing a node
        $NodeDeallocationOption = taskcompletion;
        """;

    [Fact]
    public void Pending_tasks_example_with_little_history_uses_the_last_sample()
    {
        var outcome = Evaluate(PendingTasksExample, Scope(new[] { 2.0, 7 }));
        Assert.Equal(7, outcome.TargetDedicatedNodes);
        Assert.Equal("taskcompletion", outcome.NodeDeallocationOption);
        Assert.StartsWith("$TargetDedicatedNodes=7;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion;", outcome.Results);
        Assert.Contains("$samples=", outcome.Results);
    }

    [Fact]
    public void Pending_tasks_example_with_full_history_takes_the_larger_of_last_and_average_capped_at_20()
    {
        var history = Enumerable.Repeat(30.0, 30).Append(10).ToArray(); // 31 samples over 15 minutes: 100 %
        Assert.Equal(20, Evaluate(PendingTasksExample, Scope(history)).TargetDedicatedNodes);
        var quiet = Enumerable.Repeat(3.0, 30).Append(5).ToArray();
        Assert.Equal(5, Evaluate(PendingTasksExample, Scope(quiet)).TargetDedicatedNodes);
    }

    [Fact]
    public void Pending_tasks_example_halves_the_pool_when_nothing_is_pending()
    {
        Assert.Equal(3, Evaluate(PendingTasksExample, Scope(new[] { 0.0 }, targetDedicated: 6)).TargetDedicatedNodes);
    }

    [Fact]
    public void Preempted_nodes_example_sizes_dedicated_on_preemptions_and_spot_on_the_rest()
    {
        const string formula = """
            maxNumberofVMs = 25;
            $TargetDedicatedNodes = min(maxNumberofVMs, $PreemptedNodeCount.GetSample(180 * TimeInterval_Second));
            $TargetLowPriorityNodes = min(maxNumberofVMs , maxNumberofVMs - $TargetDedicatedNodes);
            $NodeDeallocationOption = taskcompletion;
            """;
        var outcome = Evaluate(formula, Scope(new[] { 1.0 }, preempted: 2));
        Assert.Equal(2, outcome.TargetDedicatedNodes);
        Assert.Equal(23, outcome.TargetLowPriorityNodes);
        Assert.Contains("maxNumberofVMs=25", outcome.Results);
    }

    [Fact]
    public void Starting_size_example_uses_the_start_value_until_enough_samples_exist()
    {
        const string formula = """
            startingNumberOfVMs = 1;
            maxNumberofVMs = 25;
            pendingTaskSamplePercent = $PendingTasks.GetSamplePercent(180 * TimeInterval_Second);
            pendingTaskSamples = pendingTaskSamplePercent < 70 ? startingNumberOfVMs : avg($PendingTasks.GetSample(180 * TimeInterval_Second));
            $TargetDedicatedNodes=min(maxNumberofVMs, pendingTaskSamples);
            $NodeDeallocationOption = taskcompletion;
            """;
        Assert.Equal(1, Evaluate(formula, Scope(new[] { 40.0 })).TargetDedicatedNodes);
        Assert.Equal(8, Evaluate(formula, Scope(new[] { 6.0, 6, 8, 8, 10, 10, 8 })).TargetDedicatedNodes);
    }

    [Fact]
    public void Time_example_reads_timestamp_fields()
    {
        const string formula = """
            $curTime = time();
            $workHours = $curTime.hour >= 8 && $curTime.hour < 18;
            $isWeekday = $curTime.weekday >= 1 && $curTime.weekday <= 5;
            $isWorkingWeekdayHour = $workHours && $isWeekday;
            $TargetDedicatedNodes = $isWorkingWeekdayHour ? 20:10;
            $NodeDeallocationOption = taskcompletion;
            """;
        var outcome = Evaluate(formula, Scope(new[] { 0.0 }));
        Assert.Equal(20, outcome.TargetDedicatedNodes);
        Assert.Contains("$curTime=2026-12-02T10:30:00.000Z", outcome.Results);
        Assert.Contains("$isWeekday=1", outcome.Results);
    }

    [Fact]
    public void Task_slots_example_divides_active_tasks_by_slots()
    {
        const string formula = """
            $maxComputeNodeLimit = 4;
            $samples = $ActiveTasks.GetSamplePercent(TimeInterval_Minute * 15);
            $tasks = $samples < 70 ? max(0,$ActiveTasks.GetSample(1)) : max( $ActiveTasks.GetSample(1),avg($ActiveTasks.GetSample(TimeInterval_Minute * 15)));
            $targetVMs = $tasks > 0 ? $tasks/$TaskSlotsPerNode : max(0, $TargetDedicatedNodes/2);
            $TargetLowPriorityNodes = max(0, min(ceil($targetVMs), $maxComputeNodeLimit));
            $TargetDedicatedNodes = 0;
            """;
        var outcome = Evaluate(formula, Scope(new[] { 9.0 }, targetDedicated: 1));
        Assert.Equal(3, outcome.TargetLowPriorityNodes);
        Assert.Equal(0, outcome.TargetDedicatedNodes);
        Assert.Equal("requeue", outcome.NodeDeallocationOption);
    }

    [Fact]
    public void Only_the_taken_branch_of_a_conditional_is_evaluated()
    {
        // The false branch would fail (90 % of samples required); with little history the true branch is taken.
        var outcome = Evaluate("$TargetDedicatedNodes = $PendingTasks.GetSamplePercent(TimeInterval_Hour) < 50 ? 2 : avg($PendingTasks.GetSample(TimeInterval_Hour, 90));",
            Scope(new[] { 1.0 }));
        Assert.Equal(2, outcome.TargetDedicatedNodes);
    }

    [Fact]
    public void A_formula_that_sets_nothing_keeps_the_targets()
    {
        var outcome = Evaluate("limit = 3;", Scope(new[] { 1.0 }, targetDedicated: 2, targetLowPriority: 5));
        Assert.Equal((2, 5), (outcome.TargetDedicatedNodes, outcome.TargetLowPriorityNodes));
    }

    [Theory]
    [InlineData("$TargetDedicatedNodes = percentile($PendingTasks.GetSample(10), 50);", "UnsupportedFunction", "percentile")]
    [InlineData("$TargetDedicatedNodes = avg($CPUPercent.GetSample(1));", "UnsupportedVariable", "$CPUPercent")]
    [InlineData("$TargetDedicatedNodes = 5 % 2;", "UnsupportedConstruct", "'%'")]
    [InlineData("$TargetDedicatedNodes = $PendingTasks.GetSamplePeriodX();", "UnsupportedConstruct", "GetSamplePeriodX")]
    [InlineData("$TargetDedicatedNodes = nodes + 1;", "UndefinedVariable", "nodes")]
    [InlineData("$TargetDedicatedNodes = $PendingTasks + 1;", "SampledMetricUsedAsNumber", "$PendingTasks")]
    [InlineData("$TargetDedicatedNodes = $PendingTasks.GetSample(1);", "TypeMismatch", "doubleVec")]
    [InlineData("$TargetDedicatedNodes = -1;", "InvalidTarget", "-1")]
    [InlineData("$NodeDeallocationOption = later;", "UndefinedVariable", "later")]
    [InlineData("$PendingTasks = 3;", "ReadOnlyVariable", "$PendingTasks")]
    [InlineData("$TargetDedicatedNodes = (2;", "InvalidFormula", "')'")]
    [InlineData("$TargetDedicatedNodes = foo(1);", "UnknownFunction", "foo")]
    [InlineData("$TargetDedicatedNodes = avg($PendingTasks.GetSample(TimeInterval_Hour, 90));", "InsufficientSampleData", "90%")]
    public void Unsupported_or_wrong_constructs_are_refused_by_name(string formula, string code, string named)
    {
        var e = Assert.Throws<AutoScaleFormulaException>(() => Evaluate(formula, Scope(new[] { 1.0, 2 })));
        Assert.Equal(code, e.Code);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Arithmetic_and_intervals_follow_the_operator_table()
    {
        var outcome = Evaluate("a = (1 + 2) * 3 - 4 / 2; b = TimeInterval_Minute * 2 + TimeInterval_Second * 30; $TargetDedicatedNodes = b > TimeInterval_Minute * 2 ? a : 0; $TargetLowPriorityNodes = !(a == 7) ? 1 : 2;",
            Scope(new[] { 0.0 }));
        Assert.Equal(7, outcome.TargetDedicatedNodes);
        Assert.Equal(2, outcome.TargetLowPriorityNodes);
        Assert.Contains("b=PT2M30S", outcome.Results);
    }
}
