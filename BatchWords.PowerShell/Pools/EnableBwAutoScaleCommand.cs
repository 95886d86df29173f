using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Turns autoscale on for a pool (Batch's enableautoscale; Az's Enable-AzBatchAutoScale): the formula sets the
/// dedicated and Spot targets, evaluated at once and then every -AutoScaleEvaluationInterval.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "BwAutoScale", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#cost-spot-nodes-resizing-and-autoscale")]
[OutputType(typeof(BwPool))]
public sealed class EnableBwAutoScaleCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>The formula; may be left out when autoscale is already on (only the interval changes).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? AutoScaleFormula { get; set; }

    /// <summary>5 minutes to 168 hours; Batch's default is 15 minutes.</summary>
    [Parameter]
    public TimeSpan? AutoScaleEvaluationInterval { get; set; }

    protected override void ProcessRecordCore()
    {
        if (!ShouldProcess($"pool '{Id}'", "Enable autoscale")) return;
        var context = ResolveContext();
        Run(ct => new PoolScaling(context).EnableAutoScaleAsync(Id, AutoScaleFormula, AutoScaleEvaluationInterval, VerboseLog, ct));
        foreach (var pool in Stream(new PoolOperations(context).GetPoolsAsync(Id, StopToken)))
        {
            if (pool.LastAutoScaleRun is { Succeeded: false } run)
                WriteWarning($"Autoscale is on, but the formula's evaluation failed ({run.ErrorCode}): {run.ErrorMessage} The pool keeps its targets until it evaluates.");
            WriteObject(pool);
        }
    }
}
