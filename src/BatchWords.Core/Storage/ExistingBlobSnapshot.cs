using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace BatchWords;

/// <summary>
/// The blobs a publish could collide with, listed once before it starts (names under the common prefix of the
/// blob names, with their length and Content-MD5), so each file then costs one request, the PUT, instead of a
/// HEAD and a PUT; 10,000 files are two list pages. Listing stops, and the caller falls back to a HEAD per
/// file, when the container holds far more blobs under that prefix than files are published.
/// </summary>
internal sealed class ExistingBlobSnapshot
{
    public readonly record struct Entry(long Length, byte[]? ContentMd5);

    private readonly Dictionary<string, Entry> _entries;

    private ExistingBlobSnapshot(Dictionary<string, Entry> entries) => _entries = entries;

    public bool TryGet(string blobName, out Entry entry) => _entries.TryGetValue(blobName, out entry);

    /// <summary>Null when more than <paramref name="maxEntries"/> blobs share the prefix (a listing would cost more than it saves).</summary>
    public static async Task<ExistingBlobSnapshot?> TryListAsync(BlobContainerClient container, IReadOnlyCollection<string> blobNames,
        int maxEntries, CancellationToken cancellationToken)
    {
        var prefix = CommonPrefix(blobNames);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken).ConfigureAwait(false))
        {
            if (entries.Count >= maxEntries) return null;
            entries[item.Name] = new Entry(item.Properties.ContentLength ?? -1, item.Properties.ContentHash);
        }
        return new ExistingBlobSnapshot(entries);
    }

    internal static string CommonPrefix(IReadOnlyCollection<string> names)
    {
        string? prefix = null;
        foreach (var name in names)
        {
            if (prefix is null) { prefix = name; continue; }
            var length = 0;
            var max = Math.Min(prefix.Length, name.Length);
            while (length < max && prefix[length] == name[length]) length++;
            prefix = prefix[..length];
            if (prefix.Length == 0) break;
        }
        return prefix ?? string.Empty;
    }
}
