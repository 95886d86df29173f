using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Downloads every blob of a container (all pages) into a directory in parallel and emits a FileInfo for
/// each file as it lands. Containers bind by property name, so BwContainer, BwInputFile and BwTask objects
/// pipe in; each container is downloaded once per invocation however many objects name it, and only once
/// the whole pipeline input has arrived: the upstream cmdlet (Publish-BwInput, Wait-BwTask) emits objects
/// while it is still writing to the container, so listing it at the first object would miss the rest.
/// Each file is the FileSystem provider's item (as Get-Item emits it), with BlobName and Status added.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "BwOutput", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(FileInfo))]
public sealed class ReceiveBwOutputCommand : BwCmdlet
{
    // Per container, in the order first named: where it goes, its context, and the blobs asked for
    // (null once any object asked for the whole container).
    private readonly List<PendingDownload> _pending = new();

    private sealed class PendingDownload
    {
        public required string Container { get; init; }
        public required string Destination { get; init; }
        public required BwContext Context { get; init; }
        public HashSet<string>? BlobNames { get; set; }
        // Outputs of piped tasks that failed: a missing one is a warning (see FailedTaskOutputs).
        public FailedTaskOutputs OfFailedTasks { get; } = new();
    }

    /// <summary>
    /// The container to download. Binds by property name: Container (BwContainer, BwInputFile) or OutputContainer
    /// (BwTask, what Wait-BwTask emits), so 'Wait-BwTask | Receive-BwOutput' downloads the tasks' outputs.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OutputContainer")]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string Container { get; set; } = string.Empty;

    /// <summary>
    /// Only these blobs. Binds OutputBlobName from BwTask objects, so 'Wait-BwTask | Receive-BwOutput' downloads
    /// exactly the outputs of the piped tasks, not everything else in the container.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("OutputBlobName")]
    [PSDefaultValue(Help = "Every blob of the container")]
    public string[]? BlobName { get; set; }

    /// <summary>
    /// The piped task's result (BwTask.Result): "failure" marks its output as possibly absent. Not for typing;
    /// it only binds from BwTask objects.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Alias("Result")]
    public string? TaskResult { get; set; }

    /// <summary>Directory to write into; created if missing.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Overwrite existing local files whose content differs (identical ones are left as they are, Unchanged).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessRecordCore()
    {
        var names = BlobName?.Where(n => !string.IsNullOrEmpty(n)).ToArray();
        var known = _pending.Find(p => string.Equals(p.Container, Container, StringComparison.Ordinal) && ReferenceEquals(p.Context, RecordContext));
        if (known is not null)
        {
            if (names is not { Length: > 0 }) known.BlobNames = null;
            else known.BlobNames?.UnionWith(names);
            known.OfFailedTasks.Add(TaskResult, names);
            return;
        }
        var destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        ContainerNameRules.Validate(Container);
        // The context is taken per object: a piped object carries its own (-Context binds by property name), and
        // same-named containers of two accounts are two downloads.
        var what = names is { Length: > 0 } ? $"Download {names.Length} blob(s)" : "Download every blob";
        if (ShouldProcess($"container '{Container}' -> {destination}", what))
        {
            var pending = new PendingDownload
            {
                Container = Container, Destination = destination, Context = ResolveContext(),
                BlobNames = names is { Length: > 0 } ? new HashSet<string>(names, StringComparer.Ordinal) : null,
            };
            pending.OfFailedTasks.Add(TaskResult, names);
            _pending.Add(pending);
        }
    }

    protected override void EndProcessingCore()
        => ForEachTarget(_pending, pending => Download(new BwStorageClient(pending.Context), pending));

    /// <summary>
    /// Emits the file as the FileSystem provider's item, so it formats as Get-Item's does (Mode, LastWriteTime,
    /// Length, the "Directory:" header), with the blob it came from and what was done as note properties.
    /// </summary>
    private void WriteDownloaded(OutputDownloaded downloaded)
    {
        if (downloaded.Status == OutputFileStatus.Unchanged)
            WriteVerbose($"'{downloaded.File.FullName}' already holds blob '{downloaded.BlobName}' (same content): left as it is (Unchanged).");
        PSObject? item = null;
        try { item = SessionState.InvokeProvider.Item.Get(new[] { FileSystemProviderPrefix + downloaded.File.FullName }, force: true, literalPath: true).FirstOrDefault(); }
        // Moved or deleted by another program since it landed: still report what was downloaded, as a FileInfo.
        catch (Exception e) when (e is ItemNotFoundException or ProviderInvocationException) { }
        item ??= PSObject.AsPSObject(downloaded.File);
        item.Properties.Add(new PSNoteProperty("BlobName", downloaded.BlobName));
        item.Properties.Add(new PSNoteProperty("Status", downloaded.Status));
        WriteObject(item);
    }

    // Provider-qualified, so the path means the file system whatever drive the session's location is on.
    private const string FileSystemProviderPrefix = @"Microsoft.PowerShell.Core\FileSystem::";

    private void Download(BwStorageClient client, PendingDownload pending)
    {
        var (container, destination) = (pending.Container, pending.Destination);
        var which = pending.BlobNames is null ? "every blob" : $"{pending.BlobNames.Count} named blob(s)";
        WriteVerbose($"Listing {client.GetContainerUri(container)} (GET ?restype=container&comp=list, all pages) and downloading {which} (GET blob per file, {ThrottleLimit} at a time) into {destination}.");
        var progress = new TransferProgressWriter(2, $"Receive-BwOutput: downloading container '{container}'");
        var options = new DownloadOptions { Force = Force.IsPresent, ThrottleLimit = ThrottleLimit, BlobNames = pending.BlobNames };
        try
        {
            foreach (var item in Stream(client.DownloadOutputsAsync(container, destination, options, StopToken)))
            {
                switch (item)
                {
                    case TransferProgress p: WriteProgress(progress.Update(p)); break;
                    case OutputDownloaded d: WriteDownloaded(d); break;
                    case TransferFailed f when pending.OfFailedTasks.WarningFor(f, container) is { } warning: WriteWarning(warning); break;
                    case TransferFailed f: WriteError(f.Error); break;
                }
            }
        }
        finally { WriteProgress(progress.Complete()); }
    }
}
