using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Downloads every blob of a container (all pages) into a directory in parallel and emits a FileInfo for
/// each file as it lands. Containers bind by property name, so BwContainer, BwInputFile and BwTask objects
/// pipe in; each container is downloaded once per invocation however many objects name it, and only once
/// the whole pipeline input has arrived: the upstream cmdlet (Publish-BwInput, Wait-BwTask) emits objects
/// while it is still writing to the container, so listing it at the first object would miss the rest.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "BwOutput", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ReceiveBwOutputCommand : BwCmdlet
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<(string Container, string Destination, BwContext Context)> _pending = new();

    /// <summary>
    /// The container to download. Binds by property name: Container (BwContainer, BwInputFile) or OutputContainer
    /// (BwTask, what Wait-BwTask emits), so 'Wait-BwTask | Receive-BwOutput' downloads the tasks' outputs.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OutputContainer")]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string Container { get; set; } = string.Empty;

    /// <summary>Directory to write into; created if missing.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Overwrite existing local files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessRecord()
    {
        if (!_seen.Add(Container)) return;
        var destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        if (ContainerNameRules.FindViolation(Container) is not null)
        {
            try { ContainerNameRules.Validate(Container); }
            catch (BwException error) { WriteError(error); }
            return;
        }
        // The context is taken per object: a piped object may carry its own (-Context binds by property name).
        if (ShouldProcess($"container '{Container}' -> {destination}", "Download every blob")) _pending.Add((Container, destination, ResolveContext()));
    }

    protected override void EndProcessing()
    {
        foreach (var (container, destination, context) in _pending) Download(new BwStorageClient(context), container, destination);
    }

    private void Download(BwStorageClient client, string container, string destination)
    {
        WriteVerbose($"Listing and downloading {client.GetContainerUri(container)} (GET ?restype=container&comp=list, all pages; GET blob per file, {ThrottleLimit} at a time) into {destination}.");
        var progress = new TransferProgressWriter(2, $"Receive-BwOutput: downloading container '{container}'");
        var options = new DownloadOptions { Force = Force.IsPresent, ThrottleLimit = ThrottleLimit };
        try
        {
            foreach (var item in Stream(client.DownloadOutputsAsync(container, destination, options, Stopping)))
            {
                switch (item)
                {
                    case TransferProgress p: WriteProgress(progress.Update(p)); break;
                    case OutputDownloaded d: WriteObject(d.File); break;
                    case TransferFailed f: WriteError(f.Error); break;
                }
            }
        }
        catch (BwException error) { WriteError(error); }
        finally { WriteProgress(progress.Complete()); }
    }
}
