namespace BatchWords;

/// <summary>
/// The blob name each input file gets (prefix + file name), and the check that no two different files of one
/// upload get the same one: uploaded in parallel, they raced to the same blob and either could win (or one
/// failed with 409), so a task could count the other file. Refused before anything is sent.
/// </summary>
internal static class InputBlobNames
{
    public static string For(string path, string? prefix) => (prefix ?? string.Empty) + Path.GetFileName(Path.GetFullPath(path));

    /// <summary>The paths with exact repeats of one file removed; throws when two different files share a blob name.</summary>
    public static IReadOnlyList<string> RejectDuplicates(IReadOnlyList<string> paths, string? prefix)
    {
        var byBlob = new Dictionary<string, string>(StringComparer.Ordinal);
        var unique = new List<string>(paths.Count);
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            var blob = For(full, prefix);
            if (byBlob.TryGetValue(blob, out var first))
            {
                if (string.Equals(first, full, StringComparison.Ordinal)) continue; // the same file named twice: upload it once
                throw new BwException(BwErrorKind.InvalidArgument, "DuplicateBlobName",
                    $"'{first}' and '{full}' would both be uploaded as blob '{blob}'; nothing was uploaded.", blob,
                    "Upload them in separate calls with different -Prefix values, or rename one of the files.");
            }
            byBlob[blob] = full;
            unique.Add(path);
        }
        return unique;
    }
}
