using System.Globalization;
using System.Net;
using System.Xml.Linq;
using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Downloads a task's resource files into its working directory before the command runs (§8.4): httpUrl (any
/// http(s) URL, such as a blob with a read SAS, or file:// for offline use) to wd/filePath, and storageContainerUrl
/// (a container SAS with list and read) blob by blob under wd/filePath, keeping virtual folders. Each file gets its
/// fileMode (default 0770). A failure is a <see cref="PreparationException"/> with the code the node agent uses.
/// </summary>
public sealed class ResourceFileDownloader
{
    private const string StorageVersion = "2023-11-03";
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(30);
    private readonly HttpClient _http;

    public ResourceFileDownloader(HttpClient http) => _http = http;

    public async Task DownloadAllAsync(IReadOnlyList<ResourceFile>? files, string workingDirectory, CancellationToken cancellationToken)
    {
        foreach (var file in files ?? Array.Empty<ResourceFile>())
        {
            if (!string.IsNullOrEmpty(file.HttpUrl))
                await DownloadFileAsync(new Uri(file.HttpUrl), Target(workingDirectory, file.FilePath!), file.FileMode, cancellationToken).ConfigureAwait(false);
            else if (!string.IsNullOrEmpty(file.StorageContainerUrl))
                await DownloadContainerAsync(file, workingDirectory, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DownloadContainerAsync(ResourceFile file, string workingDirectory, CancellationToken cancellationToken)
    {
        var container = new Uri(file.StorageContainerUrl!);
        string? marker = null;
        do
        {
            var listUri = WithQuery(container, "restype=container&comp=list" +
                (string.IsNullOrEmpty(file.BlobPrefix) ? "" : "&prefix=" + Uri.EscapeDataString(file.BlobPrefix)) +
                (marker is null ? "" : "&marker=" + Uri.EscapeDataString(marker)));
            using var request = new HttpRequestMessage(HttpMethod.Get, listUri);
            request.Headers.TryAddWithoutValidation("x-ms-version", StorageVersion);
            XDocument listing;
            using (var response = await SendAsync(request, file.StorageContainerUrl!, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                    throw DownloadFailure(response.StatusCode, file.StorageContainerUrl!, isContainer: true);
                listing = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            }
            foreach (var name in listing.Descendants("Blob").Select(b => (string?)b.Element("Name")).OfType<string>())
            {
                var relative = string.IsNullOrEmpty(file.FilePath) ? name : file.FilePath.TrimEnd('/') + "/" + name;
                var blobUri = new UriBuilder(container) { Path = container.AbsolutePath.TrimEnd('/') + "/" + EscapePath(name) }.Uri;
                await DownloadFileAsync(blobUri, Target(workingDirectory, relative), file.FileMode, cancellationToken).ConfigureAwait(false);
            }
            marker = (string?)listing.Root?.Element("NextMarker");
        }
        while (!string.IsNullOrEmpty(marker));
    }

    private async Task DownloadFileAsync(Uri source, string target, string? fileMode, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(target)!;
        var temporary = target + ".bwdownload";
        try
        {
            Directory.CreateDirectory(directory);
            if (source.IsFile)
            {
                if (!File.Exists(source.LocalPath))
                    throw new PreparationException("usererror", "BlobNotFound", $"The resource file {source} does not exist.", ("FilePath", target));
                File.Copy(source.LocalPath, temporary, overwrite: true);
            }
            else
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, source);
                request.Headers.TryAddWithoutValidation("x-ms-version", StorageVersion);
                using var response = await SendAsync(request, source.ToString(), cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw DownloadFailure(response.StatusCode, source.ToString(), isContainer: false);
                await using var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, target, overwrite: true);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, ParseMode(fileMode));
        }
        catch (IOException e)
        {
            throw new PreparationException("servererror", "ResourceFileWriteFailed",
                $"The resource file could not be written to {target}: {e.Message}", ("FilePath", target));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PreparationException("usererror", "ResourceFileCreateFailed",
                $"The resource file could not be created at {target}: {e.Message}", ("FilePath", target));
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DownloadTimeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PreparationException("servererror", "BlobDownloadTimedOut", $"Downloading {UrlScrubber.Scrub(url)} timed out.",
                ("ResourceFileUrl", UrlScrubber.Scrub(url)));
        }
        catch (HttpRequestException e)
        {
            throw new PreparationException("servererror", "BlobDownloadMiscError", $"Downloading {UrlScrubber.Scrub(url)} failed: {e.Message}",
                ("ResourceFileUrl", UrlScrubber.Scrub(url)));
        }
    }

    private static PreparationException DownloadFailure(HttpStatusCode status, string url, bool isContainer)
    {
        var (category, code) = status switch
        {
            HttpStatusCode.NotFound => ("usererror", "BlobNotFound"),
            HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => ("usererror", isContainer ? "ResourceContainerAccessDenied" : "BlobAccessDenied"),
            _ => ("servererror", "BlobDownloadMiscError"),
        };
        var scrubbed = UrlScrubber.Scrub(url);
        return new PreparationException(category, code, $"Downloading the resource file {scrubbed} failed with HTTP {(int)status} {status}.",
            ("ResourceFileUrl", scrubbed), ("HttpStatusCode", ((int)status).ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>wd/filePath, refusing anything that would land outside the working directory.</summary>
    private static string Target(string workingDirectory, string relative)
    {
        var root = Path.GetFullPath(workingDirectory);
        var target = Path.GetFullPath(Path.Combine(root, relative));
        if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new PreparationException("usererror", "ResourceFileCreateFailed", $"The resource file path '{relative}' leaves the working directory.",
                ("FilePath", relative));
        return target;
    }

    private static UnixFileMode ParseMode(string? fileMode)
    {
        if (string.IsNullOrEmpty(fileMode)) return (UnixFileMode)Convert.ToInt32("0770", 8);
        try { return (UnixFileMode)Convert.ToInt32(fileMode, 8); }
        catch (FormatException) { return (UnixFileMode)Convert.ToInt32("0770", 8); }
    }

    private static Uri WithQuery(Uri uri, string extra) =>
        new UriBuilder(uri) { Query = string.IsNullOrEmpty(uri.Query) ? extra : uri.Query.TrimStart('?') + "&" + extra }.Uri;

    public static string EscapePath(string blobName) => string.Join("/", blobName.Split('/').Select(Uri.EscapeDataString));
}
