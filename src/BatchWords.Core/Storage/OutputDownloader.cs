using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace BatchWords;

/// <summary>
/// Downloads every blob of a container (all listing pages), or the named blobs (one GET each, no listing), into a directory, in parallel up to a limit:
/// names that would escape the directory are refused, a local file that already holds the blob's bytes is left
/// as it is (Unchanged), one that differs is kept unless Force, and each blob
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
        List<RemoteBlob> blobs;
        if (_options.BlobNames is { } wanted)
            blobs = wanted.Distinct(StringComparer.Ordinal).Select(name => new RemoteBlob(name, null, null)).ToList();
        else
        {
            blobs = new List<RemoteBlob>();
            try
            {
                // The async pageable follows continuation tokens: every page, not only the first 5,000 names.
                await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _options.Prefix }, cancellationToken).ConfigureAwait(false))
                    blobs.Add(new RemoteBlob(item.Name, item.Properties.ContentLength ?? 0, item.Properties.ContentHash));
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
        var tracker = new TransferProgressTracker(events.Writer, blobs.Count, blobs.Sum(b => b.Length ?? 0));
        var producer = Task.Run(async () =>
        {
            try
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ThrottleLimit, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(blobs, parallel, async (blob, token) =>
                {
                    try
                    {
                        var (file, status) = await DownloadOneAsync(root, blob, tracker, token).ConfigureAwait(false);
                        events.Writer.TryWrite(new OutputDownloaded(file, blob.Name, status));
                    }
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

    /// <summary>A blob to fetch: length and Content-MD5 come from the listing, or are null for a blob asked for by name.</summary>
    private sealed record RemoteBlob(string Name, long? Length, byte[]? ContentMd5);

    private async Task<(FileInfo File, OutputFileStatus Status)> DownloadOneAsync(string root, RemoteBlob blob, TransferProgressTracker tracker, CancellationToken cancellationToken)
    {
        var blobName = blob.Name;
        var target = DownloadPathRules.Resolve(root, blobName);
        if (Directory.Exists(target))
            throw new BwException(BwErrorKind.ResourceExists, "OutputPathIsDirectory",
                $"Blob '{blobName}' would replace the directory '{target}'.", blobName, "Download into another destination.");
        var client = _container.GetBlobClient(blobName);

        // Downloading into the same folder again: a local copy with the blob's bytes is left alone and reported
        // Unchanged (as Publish-BwInput does for identical blobs), with or without Force. Only a copy that
        // differs is the user's data at stake: kept without Force (OutputFileExists), replaced with it.
        var verdict = LocalCopyComparison.Verdict.Unknown;
        if (File.Exists(target))
        {
            var (length, md5) = blob.Length is { } listed ? (listed, blob.ContentMd5) : await GetLengthAndMd5Async(client, cancellationToken).ConfigureAwait(false);
            verdict = await LocalCopyComparison.CompareAsync(target, length, md5, cancellationToken).ConfigureAwait(false);
            if (verdict == LocalCopyComparison.Verdict.Same)
            {
                tracker.AddBytes(length, blobName);
                return (new FileInfo(target), OutputFileStatus.Unchanged);
            }
            if (verdict == LocalCopyComparison.Verdict.Different && !_options.Force) throw OutputExists(blobName, target);
        }

        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.bwpart");
        try
        {
            var download = new BlobDownloadToOptions { ProgressHandler = tracker.ForFile(blobName) };
            await client.DownloadToAsync(temporary, download, cancellationToken).ConfigureAwait(false);
            // Same length but no Content-MD5 to compare (a blob uploaded in blocks): the bytes decide.
            if (verdict == LocalCopyComparison.Verdict.Unknown && File.Exists(target))
            {
                if (await LocalCopyComparison.SameBytesAsync(temporary, target, cancellationToken).ConfigureAwait(false))
                    return (new FileInfo(target), OutputFileStatus.Unchanged);
                if (!_options.Force) throw OutputExists(blobName, target);
            }
            try { File.Move(temporary, target, overwrite: _options.Force); }
            catch (IOException) when (!_options.Force && File.Exists(target)) { throw OutputExists(blobName, target); }
            return (new FileInfo(target), OutputFileStatus.Downloaded);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static async Task<(long Length, byte[]? ContentMd5)> GetLengthAndMd5Async(BlobClient blob, CancellationToken cancellationToken)
    {
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        return (properties.ContentLength, properties.ContentHash);
    }

    private BwException NotFound(string name) => new(BwErrorKind.ObjectNotFound, "OutputBlobNotFound",
        $"Container '{_container.Name}' has no blob '{name}'.", name,
        "A task uploads its output only when it succeeds: check the task with Get-BwTask and its log with Get-BwTaskLog -Stream stderr.");

    private static BwException OutputExists(string blobName, string target)
        => new(BwErrorKind.ResourceExists, "OutputFileExists",
            $"'{target}' already exists; blob '{blobName}' was not downloaded.", target, "Use -Force to overwrite, or choose another -Destination.");
}
