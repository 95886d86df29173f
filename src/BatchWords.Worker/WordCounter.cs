using Microsoft.Win32.SafeHandles;

namespace BatchWords.Worker;

/// <summary>Settings for <see cref="WordCounter"/>; the defaults are what the worker uses.</summary>
public sealed record WordCounterOptions
{
    public WordRule Rule { get; init; } = WordRule.Tutorial;

    /// <summary>
    /// Bytes read at a time per thread. 1 MiB keeps the syscall and copy cost per byte small while staying in L2/L3;
    /// a word longer than this grows the buffer up to <see cref="LongWordThreshold"/>, and a token that still does not
    /// fit is read straight from the file instead. Tests use a few bytes to put words across buffer boundaries.
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

    /// <summary>
    /// Words whose key is longer than this many bytes are not held: the table keeps their length, a hash, their count
    /// and their first offset (<see cref="LongWordTable"/>), compares them by reading the file again, and the output
    /// reads them again to write them. So one word of a gigabyte takes a few hundred KB, not its size (and at least 3
    /// times it, as before). 64 KiB is far beyond any word of a text, and small enough that a file of many distinct
    /// long words does not fill memory with them. At least 4.
    /// </summary>
    public int LongWordThreshold { get; init; } = 64 * 1024;

    /// <summary>The window in which a long token is read from the file (<see cref="WordKeyReader"/>); tests make it small.</summary>
    internal int LongWordWindowSize { get; init; } = WordKeyReader.DefaultWindowSize;

    /// <summary>Tests: every long word of one length gets the same hash, so only comparing them in the file tells them apart.</summary>
    internal bool CollideLongWordHashes { get; init; }
}

/// <summary>
/// Counts the words of a file, streaming it through a fixed buffer per thread; on large files the threads count
/// disjoint pieces (<see cref="ChunkPlanner"/>, <see cref="WordCounterOptions.ChunkSize"/>) into tables of their own,
/// merged at the end. Long words are counted without holding them (<see cref="WordCounterOptions.LongWordThreshold"/>):
/// the table reads them again from <c>source</c>, so the result's long words can only be written while it is open.
/// </summary>
public static class WordCounter
{
    /// <summary>Opens the input for <see cref="Count"/>: positioned reads, shared with readers, read front to back.</summary>
    public static SafeFileHandle OpenInput(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);

    public static WordTable Count(ByteSource source, WordCounterOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LongWordThreshold, 4);
        WordKeyReader keys = WordKeyReader.Create(options.Rule, source, options.LongWordWindowSize);
        WordTable NewTable() => new(new LongWordTable(keys, options.CollideLongWordHashes), options.LongWordThreshold);

        long length = source.Length;
        long start = SkipByteOrderMark(source);
        int threads = options.Threads != 0 ? options.Threads
            : AutomaticThreads(length - start, Environment.ProcessorCount, options.ParallelThreshold);

        if (threads == 1)
        {
            WordTable table = NewTable();
            CountRange(source, start, length, options, table, WordScanner.Create(options.Rule), NewBuffer(options, length - start), keys);
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
                WordTable table = NewTable();
                WordScanner scanner = WordScanner.Create(options.Rule);
                byte[] buffer = NewBuffer(options, length - start);
                for (int piece = Interlocked.Increment(ref next); piece < bounds.Length - 1; piece = Interlocked.Increment(ref next))
                {
                    buffer = CountRange(source, bounds[piece], bounds[piece + 1], options, table, scanner, buffer, keys);
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

    /// <summary>
    /// Counts the word of the token that starts at <paramref name="tokenStart"/>, reading its key from the file: kept
    /// whole (and counted like any word) up to the threshold, by hash and length beyond it. Returns where the token ends.
    /// </summary>
    private static long CountLongToken(WordKeyReader keys, long tokenStart, WordTable table, int longWordThreshold)
    {
        var extent = new WordExtent();
        LongWordHasher hasher = LongWordHasher.Create();
        byte[] head = new byte[longWordThreshold]; // the key while it may still be short enough to hold
        foreach (ReadOnlyMemory<byte> piece in keys.ReadKey(tokenStart, extent))
        {
            if (hasher.Length < head.Length)
            {
                piece.Span[..(int)Math.Min(piece.Length, head.Length - hasher.Length)].CopyTo(head.AsSpan((int)hasher.Length));
            }
            hasher.Append(piece.Span);
        }
        if (hasher.Length > longWordThreshold) table.AddLongWord(hasher.Finish(), hasher.Length, extent.WordStart);
        else if (hasher.Length > 0) table.Add(head.AsSpan(0, (int)hasher.Length), extent.WordStart);
        return extent.TokenEnd;
    }

    /// <summary>A read buffer for a range of <paramref name="length"/> bytes: no larger than the range needs.</summary>
    private static byte[] NewBuffer(WordCounterOptions options, long length) =>
        new byte[(int)Math.Min(options.BufferSize, Math.Max(1, length)) + WordScanner.Padding];

    /// <summary>
    /// Counts the words of [start, end), which begins and ends at word boundaries, into <paramref name="table"/>, reading
    /// through <paramref name="buffer"/>; returns the buffer, which a word longer than it makes grow up to the long-word
    /// threshold. A token that fills a buffer that large is read from the file by <paramref name="keys"/> instead.
    /// </summary>
    private static byte[] CountRange(ByteSource source, long start, long end, WordCounterOptions options, WordTable table,
        WordScanner scanner, byte[] buffer, WordKeyReader keys)
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

            if (consumed == 0 && filled == capacity && capacity >= options.LongWordThreshold)
            {
                // One token fills the whole buffer, and its word may be longer than the table holds: it is read from the
                // file, however long it is, and counting goes on after it. (A character cut off by the buffer's end is
                // at most 3 bytes, so it never fills a buffer of 4 or more on its own: the token starts at buffer[0].)
                long tokenEnd = CountLongToken(keys, bufferPosition, table, options.LongWordThreshold);
                (bufferPosition, readPosition, filled) = (tokenEnd, tokenEnd, 0);
                if (tokenEnd >= end) return buffer;
            }
            else if (consumed == 0 && filled == capacity)
            {
                // One word fills the whole buffer, which is smaller than the long-word threshold: make room for the rest of it.
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
