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

    /// <summary>
    /// With several threads the file is cut into pieces of about this size, which the threads take one after the other
    /// as they finish the last. A thread slowed down (another process on its core) then takes fewer pieces instead of
    /// holding up the result, as a fixed half would. 4 MiB costs one boundary search and one buffer refill per piece,
    /// and leaves at most about 10 ms of one thread's work for the other to wait for at the end.
    /// </summary>
    public long ChunkSize { get; init; } = 4L << 20;
}

/// <summary>
/// Counts the words of a file, streaming it through a fixed buffer per thread; on large files the threads count
/// disjoint pieces (<see cref="ChunkPlanner"/>, <see cref="WordCounterOptions.ChunkSize"/>) into tables of their own,
/// merged at the end.
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
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 1);

        long length = source.Length;
        long start = SkipByteOrderMark(source);
        int threads = options.Threads != 0 ? options.Threads
            : AutomaticThreads(length - start, Environment.ProcessorCount, options.ParallelThreshold);

        if (threads == 1)
        {
            var table = new WordTable();
            CountRange(source, start, length, options, table, WordScanner.Create(options.Rule), NewBuffer(options, length - start));
            return table;
        }

        // Pieces are handed out in file order from one counter, so each thread takes its pieces in increasing order
        // and adds every word to its table in file order: a table's first add of a word is still its first
        // occurrence there, and the merge keeps the earliest of the tables'.
        long pieces = Math.Clamp((length - start) / options.ChunkSize + 1, threads, int.MaxValue - 1);
        long[] bounds = ChunkPlanner.Split(source, start, length, (int)pieces);
        int next = -1;
        var tables = new WordTable[threads];
        var failures = new Exception?[threads];
        void Work(int thread)
        {
            try
            {
                var table = new WordTable();
                WordScanner scanner = WordScanner.Create(options.Rule);
                byte[] buffer = NewBuffer(options, length - start);
                for (int piece = Interlocked.Increment(ref next); piece < bounds.Length - 1; piece = Interlocked.Increment(ref next))
                {
                    buffer = CountRange(source, bounds[piece], bounds[piece + 1], options, table, scanner, buffer);
                }
                tables[thread] = table;
            }
            catch (Exception e) { failures[thread] = e; }
        }
        var workers = new Thread[threads - 1];
        for (int i = 1; i < threads; i++)
        {
            int thread = i;
            workers[i - 1] = new Thread(() => Work(thread));
            workers[i - 1].Start();
        }
        Work(0);
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

    /// <summary>A read buffer for a range of <paramref name="length"/> bytes: no larger than the range needs.</summary>
    private static byte[] NewBuffer(WordCounterOptions options, long length) =>
        new byte[(int)Math.Min(options.BufferSize, Math.Max(1, length)) + WordScanner.Padding];

    /// <summary>
    /// Counts the words of [start, end), which begins and ends at word boundaries, into <paramref name="table"/>, reading
    /// through <paramref name="buffer"/>; returns the buffer, which a word longer than it makes grow.
    /// </summary>
    private static byte[] CountRange(ByteSource source, long start, long end, WordCounterOptions options, WordTable table,
        WordScanner scanner, byte[] buffer)
    {
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
            if (isFinal) return buffer;

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
