using System.Globalization;
using System.Net;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.Query;
using BatchWords.Emulator.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.Api;

/// <summary>
/// Task files (relative to the task directory: stdout.txt, wd/out.txt) and node files (relative to the node root:
/// startup/stderr.txt, shared/x), §2.5: get (with ocp-range), head, delete, list (recursive, $filter on name).
/// The file path is taken from the raw request line and decoded segment by segment, so a path sent as one
/// segment with %2F (as the .NET SDK does) and one sent with plain slashes mean the same; ".." is refused.
/// </summary>
public static class FileEndpoints
{
    private const int PathStartSegment = 5; // jobs/{j}/tasks/{t}/files/… and pools/{p}/nodes/{n}/files/…

    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/jobs/{jobId}/tasks/{taskId}/files", context => context.IsMethod("GET") ? List(context, TaskRoot(context)) : EndpointHelpers.NotAllowed(context));
        app.Map("/jobs/{jobId}/tasks/{taskId}/files/{**filePath}", context => File(context, TaskRoot(context)));
        app.Map("/pools/{poolId}/nodes/{nodeId}/files", context => context.IsMethod("GET") ? List(context, NodeRoot(context)) : EndpointHelpers.NotAllowed(context));
        app.Map("/pools/{poolId}/nodes/{nodeId}/files/{**filePath}", context => File(context, NodeRoot(context)));
    }

    /// <summary>The directory file paths are relative to, and the URL prefix of its files.</summary>
    private sealed record FileRoot(string Directory, string UrlPrefix);

    private static FileRoot TaskRoot(HttpContext context)
    {
        var state = context.Runtime().State;
        lock (state.Gate)
        {
            var job = EndpointHelpers.FindJob(state, context.RouteValue("jobId"));
            var task = EndpointHelpers.FindTask(job, context.RouteValue("taskId"));
            if (task.Node is not { IsRemoved: false } node)
                throw BatchRequestException.Conflict("TaskFilesUnavailable",
                    task.Node is null ? "The task has not been assigned to a node yet, so it has no files." : "The node the task ran on has left the pool.");
            return new FileRoot(TaskRunner.TaskDirectory(task, node), $"{BaseUrl.Of(context)}/jobs/{job.Id}/tasks/{task.Id}/files/");
        }
    }

    private static FileRoot NodeRoot(HttpContext context)
    {
        var state = context.Runtime().State;
        lock (state.Gate)
        {
            var pool = EndpointHelpers.FindPool(state, context.RouteValue("poolId"));
            var node = EndpointHelpers.FindNode(pool, context.RouteValue("nodeId"));
            return new FileRoot(node.RootDirectory, $"{node.Url(BaseUrl.Of(context))}/files/");
        }
    }

    private static Task File(HttpContext context, FileRoot root)
    {
        var relative = RelativePath(context);
        var path = Path.Combine(root.Directory, relative);
        return context.Request.Method switch
        {
            "GET" or "HEAD" => GetAsync(context, root, relative, path),
            "DELETE" => Delete(context, path),
            _ => EndpointHelpers.NotAllowed(context),
        };
    }

    private static string RelativePath(HttpContext context)
    {
        var segments = RawRequestPath.DecodedSegments(context).Skip(PathStartSegment)
            .SelectMany(s => s.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (segments.Count == 0 || segments.Any(s => s is ".." or "."))
            throw new BatchRequestException(HttpStatusCode.BadRequest, "InvalidUri", "The requested URI does not represent any resource on the server.",
                ("Reason", "A file path is relative and may not contain '.' or '..' segments."));
        return string.Join('/', segments);
    }



    private static async Task GetAsync(HttpContext context, FileRoot root, string relative, string path)
    {
        var isDirectory = Directory.Exists(path);
        if (!isDirectory && !System.IO.File.Exists(path)) throw BatchRequestException.NotFound("FileNotFound", "The specified file does not exist.");
        FileSystemInfo info = isDirectory ? new DirectoryInfo(path) : new FileInfo(path);
        var length = isDirectory ? 0 : ((FileInfo)info).Length;
        var headers = context.Response.Headers;
        var modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        ResourceHeaders.SetVersion(context, "0x" + modified.UtcTicks.ToString("X15", CultureInfo.InvariantCulture), modified);
        headers["ocp-creation-time"] = new DateTimeOffset(info.CreationTimeUtc, TimeSpan.Zero).ToString("r", CultureInfo.InvariantCulture);
        headers["ocp-batch-file-isdirectory"] = isDirectory ? "true" : "false";
        headers["ocp-batch-file-url"] = root.UrlPrefix + relative;
        if (!OperatingSystem.IsWindows()) headers["ocp-batch-file-mode"] = Mode(info);
        context.Response.ContentType = "application/octet-stream";

        var (start, count) = Range(context.Request.Headers["ocp-range"].ToString(), length);
        context.Response.StatusCode = (int)HttpStatusCode.OK;
        context.Response.ContentLength = count;
        if (context.IsMethod("HEAD") || isDirectory || count == 0) return;

        // Shared read: stdout.txt and stderr.txt are still being appended to while a task runs.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
        stream.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[81920];
        var remaining = count;
        while (remaining > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), context.RequestAborted).ConfigureAwait(false);
            if (read == 0) break; // truncated meanwhile; Kestrel reports the short body
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
            remaining -= read;
        }
    }

    /// <summary>"bytes=start-end", "bytes=start-" or "bytes=-suffix"; anything else, or a start past the end, is 416.</summary>
    private static (long Start, long Count) Range(string header, long length)
    {
        if (header.Length == 0) return (0, length);
        var spec = header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) ? header[6..] : null;
        var dash = spec?.IndexOf('-') ?? -1;
        if (spec is null || dash < 0 || spec.Contains(',')) throw InvalidRange(header);
        var startText = spec[..dash].Trim();
        var endText = spec[(dash + 1)..].Trim();
        long start, end;
        if (startText.Length == 0)
        {
            if (!long.TryParse(endText, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0) throw InvalidRange(header);
            start = Math.Max(0, length - suffix);
            end = length - 1;
        }
        else
        {
            if (!long.TryParse(startText, NumberStyles.None, CultureInfo.InvariantCulture, out start)) throw InvalidRange(header);
            end = endText.Length == 0 ? length - 1
                : long.TryParse(endText, NumberStyles.None, CultureInfo.InvariantCulture, out var e) && e >= start ? Math.Min(e, length - 1)
                : throw InvalidRange(header);
        }
        if (start >= length) throw InvalidRange(header);
        return (start, end - start + 1);
    }

    private static BatchRequestException InvalidRange(string header) =>
        new(HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange", "The range specified is invalid for the current size of the resource.",
            ("RangeHeader", header));

    private static Task Delete(HttpContext context, string path)
    {
        var recursive = string.Equals(context.Request.Query["recursive"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        if (Directory.Exists(path))
        {
            if (!recursive && Directory.EnumerateFileSystemEntries(path).Any())
                throw BatchRequestException.Conflict("DirectoryNotEmpty", "The directory is not empty; pass recursive=true to delete it with its contents.");
            Directory.Delete(path, recursive);
        }
        else if (System.IO.File.Exists(path)) System.IO.File.Delete(path);
        else throw BatchRequestException.NotFound("FileNotFound", "The specified file does not exist.");
        return context.Empty(HttpStatusCode.OK);
    }

    private static Task List(HttpContext context, FileRoot root)
    {
        var recursive = string.Equals(context.Request.Query["recursive"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var entries = new List<(string, NodeFileResponse)>();
        if (Directory.Exists(root.Directory))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = 0, IgnoreInaccessible = true };
            foreach (var info in new DirectoryInfo(root.Directory).EnumerateFileSystemInfos("*", options))
            {
                var name = Path.GetRelativePath(root.Directory, info.FullName).Replace('\\', '/');
                var isDirectory = info is DirectoryInfo;
                entries.Add((name, new NodeFileResponse
                {
                    Name = name,
                    Url = root.UrlPrefix + name,
                    IsDirectory = isDirectory,
                    Properties = isDirectory ? null : new NodeFileProperties
                    {
                        LastModified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero),
                        ContentLength = ((FileInfo)info).Length,
                        FileMode = OperatingSystem.IsWindows() ? null : Mode(info),
                    },
                }));
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return ListResponse.WriteAsync(context, "files", FilterableProperties.Files, entries);
    }

    private static string Mode(FileSystemInfo info) => "0" + Convert.ToString((int)info.UnixFileMode & 0x1FF, 8).PadLeft(3, '0');
}
