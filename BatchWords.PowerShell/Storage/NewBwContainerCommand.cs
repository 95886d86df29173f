using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Creates blob containers if absent; an existing container is reported with Status Existing, not as an error.</summary>
[Cmdlet(VerbsCommon.New, "BwContainer", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwContainer))]
public sealed class NewBwContainerCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Container")]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecordCore() => ForEachTarget(Name, name =>
    {
        // Validate before ShouldProcess: -WhatIf on a bad name should say it is bad, not what it would do.
        ContainerNameRules.Validate(name);
        if (!ShouldProcess(name, "Create container")) return;
        var context = ResolveContext();
        var client = new BwStorageClient(context);
        WriteVerbose($"Create container if not exists: PUT {client.GetContainerUri(name)}?restype=container");
        WriteObject(Run(ct => client.CreateContainerAsync(name, ct)));
    });
}
