using Microsoft.Win32.SafeHandles;

namespace BatchWords.Worker;

/// <summary>
/// Positioned reads from the input. Reads carry their own offset, so several threads can read one file at once through
/// one handle; tests substitute bytes in memory.
/// </summary>
public abstract class ByteSource
{
    /// <summary>The length in bytes when counting starts.</summary>
    public abstract long Length { get; }

    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="position"/>; 0 means the end.</summary>
    public abstract int ReadAt(Span<byte> destination, long position);
}

/// <summary>A file read with <see cref="RandomAccess"/>: plain pread calls, no shared file position, no mapping.</summary>
/// <remarks>
/// Mapping the file would skip one copy, but mapped page-cache pages count as the process's resident memory, and the
/// worker promises a peak RSS that grows with the vocabulary, not with the file.
/// </remarks>
public sealed class FileByteSource(SafeFileHandle handle) : ByteSource
{
    public override long Length { get; } = RandomAccess.GetLength(handle);

    public override int ReadAt(Span<byte> destination, long position) => RandomAccess.Read(handle, destination, position);
}

/// <summary>Bytes in memory, optionally handed out a few at a time to exercise short reads.</summary>
public sealed class MemoryByteSource(byte[] bytes, int maxRead = int.MaxValue) : ByteSource
{
    public override long Length => bytes.Length;

    public override int ReadAt(Span<byte> destination, long position)
    {
        if (position >= bytes.Length) return 0;
        int count = (int)Math.Min(Math.Min(destination.Length, maxRead), bytes.Length - position);
        bytes.AsSpan((int)position, count).CopyTo(destination);
        return count;
    }
}
