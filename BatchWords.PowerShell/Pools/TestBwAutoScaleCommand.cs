using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Evaluates an autoscale formula on a pool without applying it (Batch's evaluateautoscale; Az's
/// Test-AzBatchAutoScale): the targets it would set and every variable, or the error it meets. Batch evaluates
/// only on a pool with autoscale on.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BwAutoScale",
    HelpUri = ProjectLinks.Project + "#cost-spot-nodes-resizing-and-autoscale")]
[OutputType(typeof(BwAutoScaleRun))]
public sealed class TestBwAutoScaleCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string AutoScaleFormula { get; set; } = "";

    protected override void ProcessRecordCore()
    {
        var context = ResolveContext();
        var run = Run(ct => new PoolScaling(context).EvaluateAsync(Id, AutoScaleFormula, ct));
        // The evaluation is the result (it is emitted too): its failure is reported, not thrown.
        if (!run.Succeeded)
            WriteError(new BwException(BwErrorKind.InvalidArgument, BwErrorIds.AutoScaleFormulaFailed,
                $"The formula failed on pool '{Id}' ({run.ErrorCode}): {run.ErrorMessage}", AutoScaleFormula, "Correct the formula and test it again."));
        WriteObject(run);
    }
}
