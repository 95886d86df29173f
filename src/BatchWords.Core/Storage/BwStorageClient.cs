using Azure;
using Azure.Storage.Blobs;

namespace BatchWords;

/// <summary>
/// The storage operations the cmdlets (and the workflow) call, over one context's storage account: containers,
/// input upload, output download, SAS URLs for Batch. Only our own types cross this API; every service
/// failure comes out as a <see cref="BwException"/>. Names are checked before any request.
/// </summary>
public sealed class BwStorageClient
{
    private readonly BlobServiceClient _service;
    private readonly SasIssuer _sas;

    public BwStorageClient(BwContext context)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        _service = context.Storage.CreateServiceClient(context.BlobEndpoint);
        _sas = new SasIssuer(_service, context.Storage);
    }

    public BwContext Context { get; }

    /// <summary>The container's URL, without any SAS.</summary>
    public Uri GetContainerUri(string container)
    {
        ContainerNameRules.Validate(container);
        return WithoutSas(_service.GetBlobContainerClient(container).Uri);
    }

    /// <summary>
    /// A client built from a connection string with a SharedAccessSignature carries the SAS in every URL it
    /// hands out; URLs we show or emit (verbose, BwContainer.Uri, BwInputFile.BlobUri) must not.
    /// </summary>
    internal static Uri WithoutSas(Uri uri) => string.IsNullOrEmpty(uri.Query) ? uri : new UriBuilder(uri) { Query = string.Empty }.Uri;

    /// <summary>Creates the container if it does not exist; an existing one is reported as <see cref="ContainerStatus.Existing"/>.</summary>
    public async Task<BwContainer> CreateContainerAsync(string name, CancellationToken cancellationToken = default)
    {
        ContainerNameRules.Validate(name);
        var container = _service.GetBlobContainerClient(name);
        try
        {
            // CreateIfNotExists answers null when the container was already there.
            var created = await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new BwContainer(name, created is null ? ContainerStatus.Existing : ContainerStatus.Created, WithoutSas(container.Uri), Context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.Map(e, $"Create container '{name}'", name);
        }
    }

    /// <summary>Deletes the container and its blobs. A missing container is an ObjectNotFound error.</summary>
    public async Task DeleteContainerAsync(string name, CancellationToken cancellationToken = default)
    {
        ContainerNameRules.Validate(name);
        try { await _service.GetBlobContainerClient(name).DeleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.Map(e, $"Delete container '{name}'", name);
        }
    }

    /// <summary>
    /// Deletes these blobs of the container (a blob already gone is not an error): how a run removes what it
    /// wrote into a container that existed before it, leaving every other blob there. Returns the names deleted.
    /// </summary>
    public async Task<IReadOnlyList<string>> DeleteBlobsAsync(string container, IEnumerable<string> blobNames, CancellationToken cancellationToken = default)
    {
        ContainerNameRules.Validate(container);
        var client = _service.GetBlobContainerClient(container);
        var deleted = new List<string>();
        foreach (var name in blobNames.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var response = await client.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (response.Value) deleted.Add(name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw StorageErrors.Map(e, $"Delete blob '{name}' of container '{container}'", name);
            }
        }
        return deleted;
    }

    /// <summary>Which of these blob names the container already holds (none when the container does not exist).</summary>
    public async Task<IReadOnlyList<string>> GetExistingBlobNamesAsync(string container, IEnumerable<string> blobNames, CancellationToken cancellationToken = default)
    {
        ContainerNameRules.Validate(container);
        var client = _service.GetBlobContainerClient(container);
        var existing = new List<string>();
        foreach (var name in blobNames.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if ((await client.GetBlobClient(name).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value) existing.Add(name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw StorageErrors.Map(e, $"Check blob '{name}' of container '{container}'", name);
            }
        }
        return existing;
    }

    /// <summary>Names of the account's containers starting with <paramref name="prefix"/> (tab completion).</summary>
    public async IAsyncEnumerable<string> GetContainerNamesAsync(string? prefix = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pages = _service.GetBlobContainersAsync(prefix: string.IsNullOrEmpty(prefix) ? null : prefix, cancellationToken: cancellationToken)
            .ConfigureAwait(false).GetAsyncEnumerator();
        try
        {
            while (true)
            {
                bool more;
                try { more = await pages.MoveNextAsync(); }
                catch (Exception e) when (e is not OperationCanceledException) { throw StorageErrors.Map(e, "List containers", _service.AccountName); }
                if (!more) yield break;
                yield return pages.Current.Name;
            }
        }
        finally { await pages.DisposeAsync(); }
    }

    /// <summary>
    /// The account's containers whose names match <paramref name="namePattern"/> (Get-BwContainer): the literal
    /// text before its first wildcard is the listing's prefix (lower-cased, as every container name is), and
    /// <paramref name="match"/> (the pattern's full test, PowerShell's WildcardPattern) keeps the rest. A name
    /// without wildcards that no container has is ContainerNotFound, as for any cmdlet given that name; a pattern
    /// that matches nothing returns nothing.
    /// </summary>
    public async IAsyncEnumerable<BwContainer> GetContainersAsync(string? namePattern = null, Func<string, bool>? match = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var exact = namePattern is not null && !WildcardText.HasWildcards(namePattern);
        if (exact) ContainerNameRules.Validate(WildcardText.LiteralPrefix(namePattern!));
        var prefix = namePattern is null ? null : WildcardText.LiteralPrefix(namePattern).ToLowerInvariant();
        var found = false;
        await foreach (var name in GetContainerNamesAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (match is not null && !match(name)) continue;
            if (exact && !string.Equals(name, prefix, StringComparison.Ordinal)) continue;
            found = true;
            yield return new BwContainer(name, ContainerStatus.Existing, WithoutSas(_service.GetBlobContainerClient(name).Uri), Context);
        }
        if (exact && !found)
            throw new BwException(BwErrorKind.ObjectNotFound, BwErrorIds.ContainerNotFound, $"Container '{namePattern}' does not exist.", namePattern,
                "Check the name (Get-BwContainer lists them; wildcards such as 'run*' are allowed), or create it with New-BwContainer.");
    }

    /// <summary>
    /// Uploads files to <paramref name="container"/> in parallel. Yields progress, one <see cref="InputUploaded"/> per
    /// file in storage and one <see cref="TransferFailed"/> per file that could not be (missing, a directory,
    /// unreadable, different content without Force). Throws only when the whole operation cannot start
    /// (bad container name, missing container, bad options, two different files with the same blob name).
    /// </summary>
    public async IAsyncEnumerable<TransferEvent> UploadInputsAsync(string container, IReadOnlyList<string> paths, UploadOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new UploadOptions();
        ContainerNameRules.Validate(container);
        ValidateThrottleLimit(options.ThrottleLimit);
        if (options.SasExpiry <= TimeSpan.Zero || options.SasExpiry > TimeSpan.FromDays(7))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidSasExpiry",
                $"A SAS expiry of {options.SasExpiry} is not allowed: it must be positive and at most 7 days.", options.SasExpiry,
                "Pass a -SasExpiry such as (New-TimeSpan -Hours 2).");
        if (options.Prefix is { Length: > 0 } prefix && (prefix.Contains('\\') || prefix.StartsWith('/')))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidBlobPrefix",
                $"Blob prefix '{prefix}' may not start with '/' or contain backslashes.", prefix, "Use forward slashes, e.g. 'run1/'.");
        var unique = InputBlobNames.RejectDuplicates(paths, options.Prefix);
        var client = _service.GetBlobContainerClient(container);
        await RequireContainerAsync(client, cancellationToken).ConfigureAwait(false);
        await foreach (var item in new InputUploader(client, _sas, options, Context).RunAsync(unique, cancellationToken).ConfigureAwait(false))
            yield return item;
    }

    /// <summary>
    /// Downloads every blob of <paramref name="container"/> into <paramref name="destination"/> (created if
    /// missing) in parallel. Yields progress, <see cref="OutputDownloaded"/> per file written and
    /// <see cref="TransferFailed"/> per blob refused (unsafe name, existing file without Force) or failed.
    /// </summary>
    public async IAsyncEnumerable<TransferEvent> DownloadOutputsAsync(string container, string destination, DownloadOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new DownloadOptions();
        ContainerNameRules.Validate(container);
        ValidateThrottleLimit(options.ThrottleLimit);
        if (string.IsNullOrWhiteSpace(destination))
            throw new BwException(BwErrorKind.InvalidArgument, "MissingDestination", "A destination directory is required.", destination, "Pass -Destination <dir>.");
        var client = _service.GetBlobContainerClient(container);
        await foreach (var item in new OutputDownloader(client, options).RunAsync(destination, cancellationToken).ConfigureAwait(false))
            yield return item;
    }

    /// <summary>
    /// A write+create (no read, no list) SAS URL for a container: what Batch output files upload with. SECRET:
    /// pass it to the service, never display it.
    /// </summary>
    public async Task<Uri> GetContainerWriteSasUriAsync(string container, TimeSpan validFor, CancellationToken cancellationToken = default)
    {
        ContainerNameRules.Validate(container);
        return await _sas.ContainerWriteAsync(_service.GetBlobContainerClient(container), DateTimeOffset.UtcNow + validFor, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RequireContainerAsync(BlobContainerClient client, CancellationToken cancellationToken)
    {
        try { await client.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false); }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BwException(BwErrorKind.ObjectNotFound, "ContainerNotFound",
                $"Container '{client.Name}' does not exist.", client.Name, $"Create it first: New-BwContainer -Name {client.Name}.", e)
            { Status = 404, ServiceErrorCode = e.ErrorCode };
        }
        // A SAS may lack the right to read container properties while it can still write blobs: go on.
        catch (RequestFailedException e) when (e.Status == 403) { }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.Map(e, $"Check container '{client.Name}'", client.Name);
        }
    }

    private static void ValidateThrottleLimit(int limit)
    {
        if (limit < 1 || limit > 256)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidThrottleLimit",
                $"ThrottleLimit {limit} is out of range 1-256.", limit, "Pass a -ThrottleLimit between 1 and 256 (default 8).");
    }
}
