using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Deletes blob containers and every blob in them. ConfirmImpact High: asks unless -Force or -Confirm:$false;
/// when $ConfirmPreference is None (automation) it still asks once through ShouldContinue unless -Force or -Confirm:$false.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BwContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BwContainer))]
public sealed class RemoveBwContainerCommand : BwCmdlet
{
    private bool _yesToAll;
    private bool _noToAll;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Container")]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit a BwContainer (Status Removed) for each removed container.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (ContainerNameRules.FindViolation(name) is not null)
            {
                try { ContainerNameRules.Validate(name); }
                catch (BwException error) { WriteError(error); }
                continue;
            }
            if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") ? !ProceedWithForce(name) : !ShouldProcessWithoutForce(name)) continue;

            var client = new BwStorageClient(ResolveContext());
            var uri = client.GetContainerUri(name);
            WriteVerbose($"Delete container: DELETE {uri}?restype=container");
            try
            {
                Run(ct => client.DeleteContainerAsync(name, ct));
                if (PassThru) WriteObject(new BwContainer(name, ContainerStatus.Removed, uri));
            }
            catch (BwException error) { WriteError(error); }
        }
    }

    /// <summary>
    /// -Force is the answer to the confirmation: at ConfirmImpact High ShouldProcess would prompt anyway (and fail
    /// with HostFunctionNotImplemented where no one can answer), so it is called only under -WhatIf, which
    /// still wins over -Force. An explicit -Confirm still asks.
    /// </summary>
    private bool ProceedWithForce(string name)
    {
        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
            ? LanguagePrimitives.IsTrue(bound)
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        if (whatIf)
        {
            ShouldProcess(name, "Remove container");
            return false;
        }
        WriteVerbose($"Performing the operation \"Remove container\" on target \"{name}\".");
        return true;
    }

    /// <summary>
    /// ShouldProcess prompts by itself at ConfirmImpact High (the default $ConfirmPreference); a second
    /// ShouldContinue prompt is asked only when it did not (ConfirmPreference None) and -Confirm was not given.
    /// </summary>
    private bool ShouldProcessWithoutForce(string name)
    {
        if (!ShouldProcess(name, "Remove container")) return false;
        var confirmGiven = MyInvocation.BoundParameters.ContainsKey("Confirm");
        var preference = SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact impact ? impact : ConfirmImpact.High;
        var shouldProcessPrompted = preference != ConfirmImpact.None && preference <= ConfirmImpact.High;
        if (confirmGiven || shouldProcessPrompted) return true;
        return ShouldContinue($"Remove container '{name}' and every blob in it?", "Remove container", ref _yesToAll, ref _noToAll);
    }
}
