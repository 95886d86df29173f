namespace BatchWords;

/// <summary>
/// Maps a blob name to a file under the destination, refusing names that would land outside it: a blob
/// store is written by others (Batch tasks, SAS holders), so its names are untrusted input.
/// </summary>
internal static class DownloadPathRules
{
    public static string Resolve(string destination, string blobName)
    {
        string? problem = null;
        if (blobName.Contains('\\')) problem = "it contains a backslash";
        else if (blobName.StartsWith('/') || Path.IsPathRooted(blobName)) problem = "it is an absolute path";
        else if (blobName.Length >= 2 && blobName[1] == ':' && char.IsAsciiLetter(blobName[0])) problem = "it starts with a drive letter";
        else if (blobName.Split('/').Any(segment => segment is ".." or "." or "")) problem = "it has a '..', '.' or empty path segment";
        else if (blobName.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || blobName.Contains('\0')) problem = "it contains characters not allowed in paths";

        var root = Path.GetFullPath(destination);
        var full = problem is null ? Path.GetFullPath(Path.Combine(root, blobName)) : null;
        if (full is not null && !full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            problem = "it resolves outside the destination";
        if (problem is not null)
            throw new BwException(BwErrorKind.InvalidData, "UnsafeBlobName",
                $"Blob '{blobName}' was not downloaded: {problem}, so it could be written outside '{root}'.", blobName,
                "Inspect the container: whoever wrote this blob may be hostile. Rename or delete the blob.");
        return full!;
    }
}
