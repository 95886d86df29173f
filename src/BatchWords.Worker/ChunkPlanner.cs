using System.Buffers;

namespace BatchWords.Worker;

/// <summary>
/// Splits a file into ranges that threads can count on their own with the same result as one pass.
/// </summary>
/// <remarks>
/// Each range after the first starts just after an ASCII white-space byte. Such a byte is a whole character that
/// separates words under both rules, so no word and no multi-byte character (valid or not) crosses a split. If there is
/// no ASCII white space after a nominal split (one giant word), that range is simply empty.
/// </remarks>
public static class ChunkPlanner
{
    private static readonly SearchValues<byte> s_asciiWhiteSpace = SearchValues.Create([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20]);
    private const int WindowSize = 64 * 1024;

    /// <summary>Returns <paramref name="parts"/> + 1 ascending offsets: range i is [result[i], result[i + 1]).</summary>
    public static long[] Split(ByteSource source, long start, long end, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var bounds = new long[parts + 1];
        bounds[0] = start;
        bounds[parts] = end;
        byte[] window = new byte[WindowSize];
        for (int i = 1; i < parts; i++)
        {
            long nominal = start + (long)((end - start) * (double)i / parts);
            bounds[i] = AfterNextAsciiWhiteSpace(source, Math.Max(nominal, bounds[i - 1]), end, window);
        }
        return bounds;
    }

    private static long AfterNextAsciiWhiteSpace(ByteSource source, long position, long end, byte[] window)
    {
        while (position < end)
        {
            int read = source.ReadAt(window.AsSpan(0, (int)Math.Min(window.Length, end - position)), position);
            if (read == 0) break;
            int found = window.AsSpan(0, read).IndexOfAny(s_asciiWhiteSpace);
            if (found >= 0) return position + found + 1;
            position += read;
        }
        return end;
    }
}
