using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace BatchWords;

/// <summary>
/// Downloads every blob of a container (all listing pages), or the named blobs (one GET each, no listing), into a directory, in parallel up to a limit:
/// names that would escape the directory are refused, existing files are kept unless Force, and each blob
/// lands through a temporary file so a failed download never leaves a truncated output behind.
/// </summary>
internal sealed class OutputDownloader
{
    private readonly BlobContainerClient _container;
    private readonly DownloadOptions _options;

    public OutputDownloader(BlobContainerClient container, DownloadOptions options)
    {
        _container = container;
        _options = options;
    }

    public async IAsyncEnumerable<TransferEvent> RunAsync(string destination,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Named blobs are fetched by name: listing a 10,000-blob container to find one name cost seconds and
        // several list pages. A name that is not there fails on its own GET (404), reported as OutputBlobNotFound.
        List<(string Name, long Length)> blobs;
        if (_options.BlobNames is { } wanted)
            blobs = wanted.Distinct(StringComparer.Ordinal).Select(name => (name, 0L)).ToList();
        else
        {
            blobs = new List<(string, long)>();
            try
            {
                // The async pageable follows continuation tokens: every page, not only the first 5,000 names.
                await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _options.Prefix }, cancellationToken).ConfigureAwait(false))
                    blobs.Add((item.Name, item.Properties.ContentLength ?? 0));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw StorageErrors.Map(e, $"Listing container '{_container.Name}'", _container.Name);
            }
        }

        var root = Path.GetFullPath(destination);
        try { Directory.CreateDirectory(root); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BwException(BwErrorKind.WriteError, "DestinationNotWritable",
                $"Destination '{root}' cannot be created: {e.Message}", destination, "Choose a directory you can write to.", e);
        }

        var events = Channel.CreateUnbounded<TransferEvent>(new UnboundedChannelOptions { SingleReader = true });
        // Without a listing the sizes of named blobs are not known beforehand: progress then counts files.
        var tracker = new TransferProgressTracker(events.Writer, blobs.Count, blobs.Sum(b => b.Length));
        var producer = Task.Run(async () =>
        {
            try
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ThrottleLimit, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(blobs, parallel, async (blob, token) =>
                {
                    try { events.Writer.TryWrite(new OutputDownloaded(await DownloadOneAsync(root, blob.Name, tracker, token).ConfigureAwait(false), blob.Name)); }
                    // No container: no other blob will be found either, so the whole download stops with one error.
                    catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == "ContainerNotFound")
                    {
                        throw StorageErrors.Map(e, $"Download from container '{_container.Name}'", _container.Name);
                    }
                    catch (RequestFailedException e) when (e.Status == 404)
                    {
                        events.Writer.TryWrite(new TransferFailed(blob.Name, NotFound(blob.Name)));
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        events.Writer.TryWrite(new TransferFailed(blob.Name, StorageErrors.Map(e, $"Download of blob '{blob.Name}'", blob.Name)));
                    }
                    finally { tracker.FileDone(blob.Name); }
                }).ConfigureAwait(false);
                events.Writer.Complete();
            }
            catch (Exception e) { events.Writer.Complete(e); }
        }, CancellationToken.None);

        await foreach (var item in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return item;
        await producer.ConfigureAwait(false);
    }

    private async Task<FileInfo> DownloadOneAsync(string root, string blobName, TransferProgressTracker tracker, CancellationToken cancellationToken)
    {
        var target = DownloadPathRules.Resolve(root, blobName);
        if (Directory.Exists(target))
            throw new BwException(BwErrorKind.ResourceExists, "OutputPathIsDirectory",
                $"Blob '{blobName}' would replace the directory '{target}'.", blobName, "Download into another destination.");
        if (File.Exists(target) && !_options.Force)
            throw OutputExists(blobName, target);

        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.bwpart");
        try
        {
            var download = new BlobDownloadToOptions { ProgressHandler = tracker.ForFile(blobName) };
            await _container.GetBlobClient(blobName).DownloadToAsync(temporary, download, cancellationToken).ConfigureAwait(false);
            try { File.Move(temporary, target, overwrite: _options.Force); }
            catch (IOException) when (!_options.Force && File.Exists(target)) { throw OutputExists(blobName, target); }
            return new FileInfo(target);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private BwException NotFound(string name) => new(BwErrorKind.ObjectNotFound, "OutputBlobNotFound",
        $"Container '{_container.Name}' has no blob '{name}'.", name,
        "A task uploads its output only when it succeeds: check the task with Get-BwTask and its log with Get-BwTaskLog -Stream stderr.");

    private static BwException OutputExists(string blobName, string target)
        => new(BwErrorKind.ResourceExists, "OutputFileExists",
            $"'{target}' already exists; blob '{blobName}' was not downloaded.", target, "Use -Force to overwrite, or choose another -Destination.");
}
