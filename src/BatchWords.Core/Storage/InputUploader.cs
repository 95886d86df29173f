using System.Security.Cryptography;
using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace BatchWords;

/// <summary>
/// Uploads local files as input blobs, in parallel up to a limit: blob name = prefix + file name, identical
/// content skipped, different content replaced only with Force, and a read SAS issued for each. Each file
/// succeeds or fails on its own; results and progress stream out as they happen. The existing blobs are
/// listed once up front (<see cref="ExistingBlobSnapshot"/>), so a file costs one request: its PUT.
/// </summary>
internal sealed class InputUploader
{
    private readonly BlobContainerClient _container;
    private readonly SasIssuer _sas;
    private readonly UploadOptions _options;
    private readonly DateTimeOffset _sasExpiresOn;
    private readonly BwContext _context;

    public InputUploader(BlobContainerClient container, SasIssuer sas, UploadOptions options, BwContext context)
    {
        _context = context;
        _container = container;
        _sas = sas;
        _options = options;
        _sasExpiresOn = DateTimeOffset.UtcNow + options.SasExpiry;
    }

    public async IAsyncEnumerable<TransferEvent> RunAsync(IReadOnlyList<string> paths,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<TransferEvent>(new UnboundedChannelOptions { SingleReader = true });
        var bytesTotal = paths.Sum(p => File.Exists(p) ? new FileInfo(p).Length : 0L);
        var tracker = new TransferProgressTracker(events.Writer, paths.Count, bytesTotal);
        var producer = Task.Run(async () =>
        {
            try
            {
                var snapshot = await ListExistingAsync(paths, cancellationToken).ConfigureAwait(false);
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ThrottleLimit, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(paths, parallel, async (path, token) =>
                {
                    try { events.Writer.TryWrite(new InputUploaded(await UploadOneAsync(path, snapshot, tracker, token).ConfigureAwait(false))); }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        events.Writer.TryWrite(new TransferFailed(path, StorageErrors.Map(e, $"Upload of '{path}'", path)));
                    }
                    finally { tracker.FileDone(path); }
                }).ConfigureAwait(false);
                events.Writer.Complete();
            }
            catch (Exception e) { events.Writer.Complete(e); }
        }, CancellationToken.None);

        await foreach (var item in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return item;
        await producer.ConfigureAwait(false);
    }

    private async Task<BwInputFile> UploadOneAsync(string path, ExistingBlobSnapshot? snapshot, TransferProgressTracker tracker, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new BwException(BwErrorKind.InvalidArgument, "InputPathIsDirectory",
                $"'{full}' is a directory; Publish-BwInput uploads files.", path, "Pass the files in it, e.g. (Get-ChildItem <dir> -File).");
        if (!File.Exists(full))
            throw new BwException(BwErrorKind.ObjectNotFound, "InputFileNotFound",
                $"Input file '{full}' does not exist.", path, "Check the path.");

        FileStream stream;
        try { stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BwException(BwErrorKind.ReadError, "InputFileUnreadable",
                $"Input file '{full}' cannot be read: {e.Message}", path, "Check the file's permissions and that no other program locks it.", e);
        }

        await using (stream.ConfigureAwait(false))
        {
            var blobName = (_options.Prefix ?? string.Empty) + Path.GetFileName(full);
            // The hash reads the whole file before any request: a file that opens but cannot be read (an I/O
            // error, a device) fails here, as a read error of that file, not as a storage failure.
            byte[] md5;
            try { md5 = await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BwException(BwErrorKind.ReadError, "InputFileUnreadable",
                    $"Input file '{full}' cannot be read: {e.Message}", path, "Check the file's permissions and that no other program locks it.", e);
            }
            var length = stream.Length;
            stream.Position = 0;
            var blob = _container.GetBlobClient(blobName);

            var status = InputFileStatus.Uploaded;
            var existing = snapshot is null ? await GetExistingAsync(blob, cancellationToken).ConfigureAwait(false)
                : snapshot.TryGet(blobName, out var listed) ? listed : (ExistingBlobSnapshot.Entry?)null;
            if (IsSame(existing, length, md5))
            {
                status = InputFileStatus.Unchanged;
                tracker.AddBytes(length, full);
            }
            else if (existing is not null && !_options.Force)
            {
                throw ContentDiffers(blobName, path);
            }
            else
            {
                var upload = new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentHash = md5, ContentType = ContentTypes.For(full) },
                    // Without Force, only create: a blob someone else wrote meanwhile is not silently replaced.
                    Conditions = _options.Force ? null : new BlobRequestConditions { IfNoneMatch = ETag.All },
                    ProgressHandler = tracker.ForFile(full),
                };
                try { await blob.UploadAsync(stream, upload, cancellationToken).ConfigureAwait(false); }
                catch (RequestFailedException e) when (!_options.Force && e.Status is 409 or 412)
                {
                    // Created since the listing (or by a run beside this one): the same content is still Unchanged.
                    if (!IsSame(await GetExistingAsync(blob, cancellationToken).ConfigureAwait(false), length, md5)) throw ContentDiffers(blobName, path);
                    status = InputFileStatus.Unchanged;
                }
            }

            var sas = await _sas.BlobReadAsync(blob, _sasExpiresOn, cancellationToken).ConfigureAwait(false);
            return new BwInputFile(_container.Name, blobName, full, length, Convert.ToBase64String(md5), status, BwStorageClient.WithoutSas(blob.Uri), sas, _sasExpiresOn)
            {
                Context = _context,
            };
        }
    }

    /// <summary>
    /// One listing of the blobs the files could collide with, so each file costs one request. Null (a HEAD per
    /// file instead) when the container holds many more blobs under the names' common prefix than there are files.
    /// </summary>
    private async Task<ExistingBlobSnapshot?> ListExistingAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var names = paths.Select(p => (_options.Prefix ?? string.Empty) + Path.GetFileName(Path.GetFullPath(p))).ToList();
        if (names.Count < 2) return null; // one file: a HEAD is as cheap as a listing
        try
        {
            return await ExistingBlobSnapshot.TryListAsync(_container, names, Math.Max(5_000, 4 * names.Count), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            return null; // a SAS that may write but not list: ask per file, as before
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.Map(e, $"Listing container '{_container.Name}'", _container.Name);
        }
    }

    private static bool IsSame(ExistingBlobSnapshot.Entry? existing, long length, byte[] md5) =>
        existing is { } e && e.Length == length && e.ContentMd5 is { } hash && hash.AsSpan().SequenceEqual(md5);

    private BwException ContentDiffers(string blobName, string path) => new(BwErrorKind.ResourceExists, "BlobContentDiffers",
        $"Blob '{blobName}' in container '{_container.Name}' already exists with different content (or no Content-MD5 to compare); it was not replaced.",
        path, "Use -Force to replace it, or -Prefix to upload under other names.");

    private static async Task<ExistingBlobSnapshot.Entry?> GetExistingAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new ExistingBlobSnapshot.Entry(properties.ContentLength, properties.ContentHash);
        }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }
}
