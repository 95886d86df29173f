using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Deletes blob containers and every blob in them. ConfirmImpact High: asks once unless -Force or
/// -Confirm:$false (see <see cref="BwCmdlet.ConfirmDestructive"/>). A container that a live pool's start task
/// downloads from is not deleted without -Force: nodes that join or reboot later would fail their start task
/// (the tutorial's own bug, azure-batch-samples#165).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BwContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwContainer))]
public sealed class RemoveBwContainerCommand : BwCmdlet
{
    // One guard per context (it lists that Batch account's pools once, at its first removal).
    private readonly Dictionary<BwContext, ContainerRemovalGuard> _guards = new(ReferenceEqualityComparer.Instance);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Container")]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Do not ask for confirmation; also delete containers a live pool's start task still uses.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit a BwContainer (Status Removed) for each removed container.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore()
    {
        ForEachTarget(Name, name =>
        {
            ContainerNameRules.Validate(name);
            if (!ConfirmDestructive(name, "Remove container", $"Remove container '{name}' and every blob in it?", Force)) return;

            var context = ResolveContext();
            if (!_guards.TryGetValue(context, out var guard)) _guards[context] = guard = new ContainerRemovalGuard(context);
            var check = Run(ct => guard.CheckAsync(name, Force, ct));
            if (check.Warning is not null) WriteWarning(check.Warning);
            if (check.Refusal is not null) throw check.Refusal;
            var client = new BwStorageClient(context);
            var uri = client.GetContainerUri(name);
            WriteVerbose($"Delete container: DELETE {uri}?restype=container");
            Run(ct => client.DeleteContainerAsync(name, ct));
            if (PassThru) WriteObject(new BwContainer(name, ContainerStatus.Removed, uri, context));
        });
    }
}
