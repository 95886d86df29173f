using System.Security.Cryptography;

namespace BatchWords;

/// <summary>
/// Whether a local file already holds a blob's bytes, so downloading into the same folder again is not an error
/// per file: the blob's length and Content-MD5 (from the listing or a HEAD) against the local file's length and
/// MD5. A blob without Content-MD5 (one uploaded in blocks) cannot be judged this way: the caller downloads it
/// to a temporary file and compares bytes (<see cref="SameBytesAsync"/>).
/// </summary>
internal static class LocalCopyComparison
{
    public enum Verdict { Same, Different, Unknown }

    public static async Task<Verdict> CompareAsync(string localPath, long blobLength, byte[]? blobContentMd5, CancellationToken cancellationToken)
    {
        if (new FileInfo(localPath).Length != blobLength) return Verdict.Different;
        if (blobContentMd5 is not { Length: > 0 }) return Verdict.Unknown;
        await using var stream = OpenRead(localPath);
        var md5 = await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return md5.AsSpan().SequenceEqual(blobContentMd5) ? Verdict.Same : Verdict.Different;
    }

    public static async Task<bool> SameBytesAsync(string first, string second, CancellationToken cancellationToken)
    {
        if (new FileInfo(first).Length != new FileInfo(second).Length) return false;
        await using var a = OpenRead(first);
        await using var b = OpenRead(second);
        var bufferA = new byte[81920];
        var bufferB = new byte[81920];
        while (true)
        {
            var read = await a.ReadAtLeastAsync(bufferA, bufferA.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var readB = await b.ReadAtLeastAsync(bufferB, bufferB.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read != readB || !bufferA.AsSpan(0, read).SequenceEqual(bufferB.AsSpan(0, read))) return false;
            if (read < bufferA.Length) return true;
        }
    }

    private static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
}
