using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Uploads input files to a container in parallel and emits a BwInputFile (blob + read-only SAS URL) for each
/// file as it lands. Paths are collected over the whole pipeline and uploaded together at the end, so
/// 'Get-ChildItem *.txt | Publish-BwInput' runs one bounded parallel upload rather than one file at a time.
/// </summary>
[Cmdlet(VerbsData.Publish, "BwInput", SupportsShouldProcess = true, DefaultParameterSetName = PathSet,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwInputFile))]
public sealed class PublishBwInputCommand : BwCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private readonly List<string> _paths = new();

    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string Container { get; set; } = string.Empty;

    /// <summary>Files to upload; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files to upload, taken literally; binds FileInfo objects (Get-ChildItem) by FullName or PSPath.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "FullName", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Prepended to each file name to form the blob name (e.g. 'run1/').</summary>
    [Parameter]
    public string? Prefix { get; set; }

    /// <summary>Replace existing blobs whose content differs.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>How long each read SAS URL stays valid (default 2 hours).</summary>
    [Parameter]
    public TimeSpan SasExpiry { get; set; } = TimeSpan.FromHours(2);

    protected override void ProcessRecordCore()
    {
        foreach (var path in ParameterSetName == LiteralPathSet ? ResolveLiteral() : ResolveWildcards())
        {
            var blobName = (Prefix ?? string.Empty) + System.IO.Path.GetFileName(path);
            if (ShouldProcess($"{path} -> {Container}/{blobName}", "Upload input file")) _paths.Add(path);
        }
    }

    // A failure of the upload as a whole (the container is missing, the account refuses) stops the cmdlet;
    // the failure of one file is a TransferFailed result, written as a non-terminating error below.
    protected override bool IsTerminating(BwException error) => true;

    protected override void EndProcessingCore()
    {
        if (_paths.Count == 0) return;
        var client = new BwStorageClient(ResolveContext());
        var options = new UploadOptions { Prefix = Prefix, Force = Force.IsPresent, ThrottleLimit = ThrottleLimit, SasExpiry = SasExpiry };
        WriteVerbose($"Uploading {_paths.Count} file(s) to {client.GetContainerUri(Container)} (PUT blob per file, {ThrottleLimit} at a time{(Force ? ", replacing different content" : "")}).");
        var progress = new TransferProgressWriter(1, $"Publish-BwInput: uploading to container '{Container}'");
        try
        {
            foreach (var item in Stream(client.UploadInputsAsync(Container, _paths, options, StopToken)))
            {
                switch (item)
                {
                    case TransferProgress p: WriteProgress(progress.Update(p)); break;
                    case InputUploaded u:
                        WriteVerbose($"{u.File.Status}: {u.File.Path} -> {u.File.BlobUri}");
                        WriteObject(u.File);
                        break;
                    case TransferFailed f: WriteError(f.Error); break;
                }
            }
        }
        finally { WriteProgress(progress.Complete()); }
    }

    private IEnumerable<string> ResolveLiteral()
    {
        foreach (var path in LiteralPath)
            yield return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }

    private IEnumerable<string> ResolveWildcards()
    {
        foreach (var path in Path)
        {
            var resolved = new List<string>();
            try { resolved.AddRange(GetResolvedProviderPathFromPSPath(path, out _)); }
            catch (ItemNotFoundException) when (!WildcardPattern.ContainsWildcardCharacters(path))
            {
                // A missing file is reported by the upload like any other per-file failure.
                resolved.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
            }
            catch (ItemNotFoundException) { /* a wildcard under a missing directory: reported below */ }
            // The provider answers a wildcard that matches nothing with no paths and no error; uploading
            // nothing without a word would hide a typo in the pattern.
            if (resolved.Count == 0)
                WriteError(new BwException(BwErrorKind.ObjectNotFound, BwErrorIds.InputFileNotFound,
                    $"No file matches '{path}'.", path, "Check the path and the wildcard."));
            foreach (var file in resolved) yield return file;
        }
    }
}
