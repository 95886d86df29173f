using Microsoft.Win32.SafeHandles;

namespace BatchWords.Worker;

/// <summary>Settings for <see cref="WordCounter"/>; the defaults are what the worker uses.</summary>
public sealed record WordCounterOptions
{
    public WordRule Rule { get; init; } = WordRule.Tutorial;

    /// <summary>
    /// Bytes read at a time per thread. 1 MiB keeps the syscall and copy cost per byte small while staying in L2/L3;
    /// a word longer than this grows the buffer. Tests use a few bytes to put words across buffer boundaries.
    /// </summary>
    public int BufferSize { get; init; } = 1 << 20;

    /// <summary>Threads to count with; 0 picks them with <see cref="WordCounter.AutomaticThreads"/>.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Below this size a second thread costs more than it saves: starting it and merging its table takes about a
    /// millisecond, the time to count a few MB.
    /// </summary>
    public long ParallelThreshold { get; init; } = 8L << 20;
}

/// <summary>
/// Counts the words of a file, streaming it through a fixed buffer per thread; on large files the threads count
/// disjoint ranges (<see cref="ChunkPlanner"/>) into tables of their own, merged at the end.
/// </summary>
public static class WordCounter
{
    public static WordTable CountFile(string path, WordCounterOptions options)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        return Count(new FileByteSource(handle), options);
    }

    public static WordTable Count(ByteSource source, WordCounterOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads);

        long length = source.Length;
        long start = SkipByteOrderMark(source);
        int threads = options.Threads != 0 ? options.Threads
            : AutomaticThreads(length - start, Environment.ProcessorCount, options.ParallelThreshold);

        if (threads == 1) return CountRange(source, start, length, options);

        long[] bounds = ChunkPlanner.Split(source, start, length, threads);
        var tables = new WordTable[threads];
        var failures = new Exception?[threads];
        var workers = new Thread[threads - 1];
        for (int i = 1; i < threads; i++)
        {
            int part = i;
            workers[i - 1] = new Thread(() =>
            {
                try { tables[part] = CountRange(source, bounds[part], bounds[part + 1], options); }
                catch (Exception e) { failures[part] = e; }
            });
            workers[i - 1].Start();
        }
        try { tables[0] = CountRange(source, bounds[0], bounds[1], options); }
        catch (Exception e) { failures[0] = e; }
        foreach (Thread worker in workers) worker.Join();

        foreach (Exception? failure in failures)
        {
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        for (int i = 1; i < threads; i++) tables[0].Merge(tables[i]);
        return tables[0];
    }

    /// <summary>At most this many threads when the count is automatic.</summary>
    public const int MaxAutomaticThreads = 8;

    /// <summary>
    /// One thread per processor, but at most one per <paramref name="parallelThreshold"/> bytes and at most
    /// <see cref="MaxAutomaticThreads"/>: every thread holds a table of the whole vocabulary and the tables are merged
    /// one after the other, so on a many-core node more threads would cost memory and merging rather than save time.
    /// </summary>
    public static int AutomaticThreads(long length, int processors, long parallelThreshold) =>
        (int)Math.Clamp(Math.Min(length / Math.Max(1, parallelThreshold), Math.Min(processors, MaxAutomaticThreads)), 1, MaxAutomaticThreads);

    private static long SkipByteOrderMark(ByteSource source)
    {
        Span<byte> head = stackalloc byte[3];
        int read = 0;
        while (read < head.Length)
        {
            int n = source.ReadAt(head[read..], read);
            if (n == 0) break;
            read += n;
        }
        return TokenRules.ByteOrderMarkLength(head[..read]);
    }

    /// <summary>Counts the words of [start, end), which begins and ends at word boundaries.</summary>
    private static WordTable CountRange(ByteSource source, long start, long end, WordCounterOptions options)
    {
        var table = new WordTable();
        WordScanner scanner = WordScanner.Create(options.Rule);
        byte[] buffer = new byte[(int)Math.Min(options.BufferSize, Math.Max(1, end - start)) + WordScanner.Padding];
        int filled = 0;                 // bytes of data at the front of buffer
        long bufferPosition = start;    // file offset of buffer[0]
        long readPosition = start;      // file offset of the next byte to read

        while (true)
        {
            int capacity = buffer.Length - WordScanner.Padding;
            bool isFinal = readPosition >= end;
            if (!isFinal && filled < capacity)
            {
                int read = source.ReadAt(buffer.AsSpan(filled, (int)Math.Min(capacity - filled, end - readPosition)), readPosition);
                filled += read;
                readPosition += read;
                // A read of 0 before the end means the file got shorter while we read it: count what there was.
                isFinal = read == 0 || readPosition >= end;
            }

            int consumed = scanner.Scan(buffer, filled, bufferPosition, isFinal, table);
            if (isFinal) return table;

            if (consumed == 0 && filled == capacity)
            {
                // One word fills the whole buffer: make room for the rest of it (memory grows with the word, which the
                // table has to hold anyway).
                int largerCapacity = (int)Math.Min((long)capacity * 2, Array.MaxLength - WordScanner.Padding);
                if (largerCapacity == capacity) throw new InvalidDataException($"A word at offset {bufferPosition} is longer than {capacity} bytes, the largest buffer .NET can allocate.");
                var larger = new byte[largerCapacity + WordScanner.Padding];
                buffer.AsSpan(0, filled).CopyTo(larger);
                buffer = larger;
            }
            else if (consumed > 0)
            {
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                bufferPosition += consumed;
            }
        }
    }
}
