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
    // Container -> pools whose start task uses it; listed once per invocation, on the first removal.
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _startTaskUsage;

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
            if (!MayRemove(context, name)) return;
            var client = new BwStorageClient(context);
            var uri = client.GetContainerUri(name);
            WriteVerbose($"Delete container: DELETE {uri}?restype=container");
            Run(ct => client.DeleteContainerAsync(name, ct));
            if (PassThru) WriteObject(new BwContainer(name, ContainerStatus.Removed, uri));
        });
    }

    /// <summary>False (with an error) when a live pool's start task downloads from the container and -Force was not given.</summary>
    private bool MayRemove(BwContext context, string name)
    {
        if (context.BatchEndpoint is null) return true;
        if (_startTaskUsage is null)
        {
            try { _startTaskUsage = Run(ct => new PoolOperations(context).GetStartTaskContainerUsageAsync(ct)); }
            catch (BwException e)
            {
                // Storage-only permissions are enough to delete a container: say what could not be checked, go on.
                WriteWarning($"Could not check whether a pool still uses container '{name}' ({e.Message}); removing it anyway.");
                _startTaskUsage = new Dictionary<string, IReadOnlyList<string>>();
            }
        }
        if (!_startTaskUsage.TryGetValue(name, out var pools)) return true;
        var list = string.Join("', '", pools);
        if (Force)
        {
            WriteWarning($"Container '{name}' is used by the start task of pool(s) '{list}': nodes that join or reboot will fail their start task. Removing it because -Force was given.");
            return true;
        }
        WriteError(new BwException(BwErrorKind.InvalidOperation, BwErrorIds.ContainerUsedByPool,
            $"Container '{name}' was not removed: the start task of pool(s) '{list}' downloads from it, so nodes that join or reboot later would fail their start task.",
            name, $"Remove the pool first (Remove-BwPool -Id {pools[0]}), or pass -Force to remove the container anyway."));
        return false;
    }
}
