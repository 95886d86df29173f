using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Uploads a finished task's output files (§8.5): for each outputFile whose uploadCondition fits the result,
/// expand filePattern and PUT each match as a block blob under the container SAS URL. Blob names follow §5.5:
/// without a wildcard, path is the blob name (the file name when path is absent); with one, path is a prefix for
/// each match's relative path. Progress goes to fileuploadout.txt and errors to fileuploaderr.txt in the task
/// directory. The first failure is returned as the task's failureInfo (no retry).
/// </summary>
public sealed class OutputFileUploader
{
    private const string StorageVersion = "2023-11-03";
    private static readonly HashSet<string> ContentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Encoding", "Content-Language", "Content-Disposition", "Content-MD5",
    };

    private readonly HttpClient _http;

    public OutputFileUploader(HttpClient http) => _http = http;

    public async Task<FailureInfo?> UploadAsync(IReadOnlyList<OutputFile>? outputs, string taskDirectory, bool succeeded,
        CancellationToken cancellationToken)
    {
        var applicable = (outputs ?? Array.Empty<OutputFile>()).Where(o => Applies(o.UploadOptions?.UploadCondition, succeeded)).ToList();
        if (applicable.Count == 0) return null;

        var workingDirectory = Path.Combine(taskDirectory, "wd");
        await using var log = new StreamWriter(Path.Combine(taskDirectory, "fileuploadout.txt"), append: true);
        await using var errors = new StreamWriter(Path.Combine(taskDirectory, "fileuploaderr.txt"), append: true);
        FailureInfo? failure = null;
        foreach (var output in applicable)
        {
            var container = output.Destination!.Container!;
            var matches = FilePatternMatcher.Match(workingDirectory, taskDirectory, output.FilePattern!);
            if (matches.Count == 0)
            {
                await log.WriteLineAsync($"{Stamp()} No file matches the pattern '{output.FilePattern}': nothing to upload.").ConfigureAwait(false);
                continue;
            }
            var wildcard = FilePatternMatcher.HasWildcard(output.FilePattern!);
            foreach (var match in matches)
            {
                var blobName = BlobName(container.Path, match, wildcard);
                var target = BlobUri(container.ContainerUrl!, blobName);
                await log.WriteLineAsync($"{Stamp()} Uploading {match.FullPath} to {UrlScrubber.Scrub(target.ToString())}").ConfigureAwait(false);
                var error = await PutBlobAsync(target, match.FullPath, container.UploadHeaders, cancellationToken).ConfigureAwait(false);
                if (error is null)
                {
                    await log.WriteLineAsync($"{Stamp()} Uploaded {blobName} ({new FileInfo(match.FullPath).Length} bytes)").ConfigureAwait(false);
                    continue;
                }
                await errors.WriteLineAsync($"{Stamp()} {error.Code}: {error.Message}").ConfigureAwait(false);
                failure ??= error;
            }
        }
        return failure;
    }

    public static bool Applies(string? condition, bool succeeded) => condition?.ToLowerInvariant() switch
    {
        "tasksuccess" => succeeded,
        "taskfailure" => !succeeded,
        "taskcompletion" => true,
        _ => false,
    };

    public static string BlobName(string? path, FileMatch match, bool wildcard)
    {
        if (!wildcard) return string.IsNullOrEmpty(path) ? Path.GetFileName(match.FullPath) : path;
        var relative = match.RelativePath.Replace("../", "");
        return string.IsNullOrEmpty(path) ? relative : path.TrimEnd('/') + "/" + relative;
    }

    private static Uri BlobUri(string containerUrl, string blobName)
    {
        var container = new Uri(containerUrl);
        return new UriBuilder(container) { Path = container.AbsolutePath.TrimEnd('/') + "/" + ResourceFileDownloader.EscapePath(blobName) }.Uri;
    }

    private async Task<FailureInfo?> PutBlobAsync(Uri target, string file, IReadOnlyList<NameValue>? uploadHeaders, CancellationToken cancellationToken)
    {
        var scrubbed = UrlScrubber.Scrub(target.ToString());
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 81920, useAsync: true);
            using var request = new HttpRequestMessage(HttpMethod.Put, target) { Content = new StreamContent(stream) };
            request.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
            request.Headers.TryAddWithoutValidation("x-ms-version", StorageVersion);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            foreach (var header in uploadHeaders ?? Array.Empty<NameValue>())
            {
                if (string.IsNullOrEmpty(header.Name)) continue;
                if (ContentHeaders.Contains(header.Name))
                {
                    request.Content.Headers.Remove(header.Name);
                    request.Content.Headers.TryAddWithoutValidation(header.Name, header.Value ?? "");
                }
                else request.Headers.TryAddWithoutValidation(header.Name, header.Value ?? "");
            }
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return null;
            var storageCode = response.Headers.TryGetValues("x-ms-error-code", out var codes) ? codes.FirstOrDefault() : null;
            var (category, code) = response.StatusCode switch
            {
                HttpStatusCode.NotFound => ("usererror", "FileUploadContainerNotFound"),
                HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => ("usererror", "FileUploadMiscError"),
                _ => ("servererror", "FileUploadMiscError"),
            };
            return FailureInfos.Create(category, code, $"Uploading {file} to {scrubbed} failed with HTTP {(int)response.StatusCode} {storageCode ?? response.StatusCode.ToString()}.",
                ("FilePath", file), ("HttpStatusCode", ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)), ("StorageErrorCode", storageCode ?? ""));
        }
        catch (HttpRequestException e)
        {
            return FailureInfos.Create("servererror", "FileUploadMiscError", $"Uploading {file} to {scrubbed} failed: {e.Message}", ("FilePath", file));
        }
        catch (IOException e)
        {
            return FailureInfos.Create("usererror", "FileUploadMiscError", $"Reading {file} for upload failed: {e.Message}", ("FilePath", file));
        }
    }

    private static string Stamp() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
