using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Lists the storage account's containers, all or those whose names match wildcard patterns.</summary>
[Cmdlet(VerbsCommon.Get, "BwContainer",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwContainer))]
public sealed class GetBwContainerCommand : BwCmdlet
{
    /// <summary>Container names or wildcard patterns ('run*'); none lists every container.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Container")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [PSDefaultValue(Help = "All containers")]
    public string[]? Name { get; set; }

    protected override void ProcessRecordCore()
    {
        var storage = new BwStorageClient(ResolveContext());
        ForEachTarget(Name ?? new string?[] { null }, name =>
        {
            var pattern = name is null ? null : WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            foreach (var container in Stream(storage.GetContainersAsync(name, pattern is null ? null : pattern.IsMatch, StopToken))) WriteObject(container);
        });
    }
}
