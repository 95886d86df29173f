using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Deletes pools (their nodes and everything on them). Asks first unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "BwPool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(string))]
public sealed class RemoveBwPoolCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ArgumentCompleter(typeof(PoolIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore() => ForEachTarget(Id, id =>
    {
        if (!ConfirmDestructive($"pool '{id}'", "Delete Batch pool", $"Delete pool '{id}' and every node in it?", Force)) return;
        var context = ResolveContext();
        WriteVerbose($"DELETE /pools/{id}");
        Run(ct => new PoolOperations(context).DeletePoolAsync(id, ct));
        if (PassThru) WriteObject(id);
    });
}
