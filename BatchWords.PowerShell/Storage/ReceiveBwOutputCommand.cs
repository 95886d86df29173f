using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Downloads every blob of a container (all pages) into a directory in parallel and emits a FileInfo for
/// each file as it lands. Containers bind by property name, so BwContainer and BwInputFile objects pipe in;
/// each container is downloaded once per invocation however many objects name it.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "BwOutput", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ReceiveBwOutputCommand : BwCmdlet
{
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
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
        if (!_done.Add(Container)) return;
        var destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        if (ContainerNameRules.FindViolation(Container) is not null)
        {
            try { ContainerNameRules.Validate(Container); }
            catch (BwException error) { WriteError(error); }
            return;
        }
        if (!ShouldProcess($"container '{Container}' -> {destination}", "Download every blob")) return;

        var client = new BwStorageClient(ResolveContext());
        WriteVerbose($"Listing and downloading {client.GetContainerUri(Container)} (GET ?restype=container&comp=list, all pages; GET blob per file, {ThrottleLimit} at a time) into {destination}.");
        var progress = new TransferProgressWriter(2, $"Receive-BwOutput: downloading container '{Container}'");
        var options = new DownloadOptions { Force = Force.IsPresent, ThrottleLimit = ThrottleLimit };
        try
        {
            foreach (var item in Stream(client.DownloadOutputsAsync(Container, destination, options, Stopping)))
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
