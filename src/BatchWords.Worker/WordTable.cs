using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// Counts words keyed by their UTF-8 bytes, remembering where each first appeared. Memory grows with the vocabulary,
/// never with the file: per distinct word a 32-byte entry, its first position and key offset (12 bytes), two 4-byte
/// index slots, and the word's bytes once in an arena.
/// </summary>
/// <remarks>
/// <para>Layout, chosen by measurement: an open-addressing index of entry numbers over a dense array of entries in
/// first-seen order, so the frequent words of a text (which come first) share a few pages and cache lines. Lookups
/// of the long tail still miss the cache; <see cref="AddBatch"/> overlaps those misses (on 100 MB of Zipf text that
/// took one thread from 1.10 s to 0.77 s when the entries were 40-byte slots of the hash array itself).</para>
/// <para>Keys are compared as bytes: callers hand in keys already in one canonical form (valid UTF-8, and lower-cased
/// for the letters rule), so equal words have equal bytes. Keys are read 8 bytes at a time and masked, which needs 16
/// readable bytes after each key (<see cref="KeyPadding"/>); the scanners' buffers have them.</para>
/// <para>The hot path avoids branches that depend on the word (its length above or below 8 bytes is a coin toss in
/// real text): the first two words of each key are loaded and masked with table lookups, and a slot's entry is
/// matched with one comparison of tag, length and those 16 bytes.</para>
/// </remarks>
public sealed class WordTable
{
    /// <summary>Bytes that must be readable (any content) after a key passed to <see cref="Add(byte[], int, int, long)"/>:
    /// the first two 8-byte words of every key are loaded whole and masked, whatever its length.</summary>
    public const int KeyPadding = 16;

    /// <summary>What a lookup touches, 32 bytes: two entries to a cache line.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public ulong Prefix;        // key bytes 0..7, little-endian, zero-padded
        public ulong Second;        // key bytes 8..15, zero-padded: keys up to 16 bytes compare without the arena
        public long Count;
        public ulong TagAndLength;  // the hash's top 32 bits, and the key length above them: one compare for both
    }

    private const int InitialCapacity = 256; // small: a task's file is often a few KB, and cold start matters

    private int[] _index = new int[InitialCapacity * 2]; // entry number + 1; 0 is an empty slot
    private int _shift = 64 - BitOperations.Log2(InitialCapacity * 2);
    private Entry[] _entries = new Entry[InitialCapacity];
    // Touched only when a word is first seen, when the table grows or merges, and at the end.
    private long[] _firstPositions = new long[InitialCapacity];  // byte offset in the file of the first occurrence
    private int[] _keyOffsets = new int[InitialCapacity];        // where the key starts in the arena
    private byte[] _arena = new byte[4096];
    private int _arenaUsed;
    private byte[] _scratch = [];

    /// <summary>The number of distinct words.</summary>
    public int Count { get; private set; }

    /// <summary>The number of words counted (every occurrence).</summary>
    public long TotalWords { get; private set; }

    /// <summary>Counts one occurrence of <paramref name="key"/> found at byte offset <paramref name="position"/>.</summary>
    /// <remarks>Within one table, occurrences are added in file order, so the first add of a key is its first occurrence.</remarks>
    public void Add(ReadOnlySpan<byte> key, long position) => AddUnpadded(key, 1, position);

    /// <summary>The fast path of <see cref="Add(ReadOnlySpan{byte}, long)"/>: <paramref name="array"/> must have
    /// <see cref="KeyPadding"/> readable bytes after the key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(byte[] array, int start, int length, long position) => Add(array, start, length, 1, position);

    /// <summary>A word waiting in a batch: where it is in the buffer, and what <see cref="AddBatch"/> derives from it.</summary>
    public struct PendingWord
    {
        public int Start;
        public int Length;
        internal ulong Hash;
        internal ulong Prefix;
        internal ulong Second;
    }

    /// <summary>
    /// Counts a batch of words of <paramref name="buffer"/> (which has <see cref="KeyPadding"/> bytes after each), in
    /// order, as if each were passed to <see cref="Add(byte[], int, int, long)"/>.
    /// </summary>
    /// <remarks>
    /// The words of a Zipf text's long tail miss the cache twice (index slot, then entry), and one at a time those
    /// misses are waited for one after the other. So a batch is done in three passes: hash every word and prefetch
    /// its slot; prefetch the entries the slots name; then count the words in file order. The prefetches are only
    /// hints: counting does the full lookup, so the table growing in between changes nothing. The passes keep the
    /// table's arrays in locals, which the compiler cannot do across the calls of one add at a time.
    /// </remarks>
    public unsafe void AddBatch(byte[] buffer, Span<PendingWord> words, long bufferPosition)
    {
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buffer);
        ref int slots = ref MemoryMarshal.GetArrayDataReference(_index);
        ref Entry entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        int shift = _shift;

        foreach (ref PendingWord word in words)
        {
            int length = word.Length;
            if ((uint)word.Start > (uint)buffer.Length || length <= 0 || buffer.Length - word.Start - length < KeyPadding)
            {
                throw new ArgumentOutOfRangeException(nameof(words), "A word of the batch lies outside the buffer's padded data.");
            }
            ref byte key = ref Unsafe.Add(ref data, word.Start);
            ulong prefix = FirstWord(ref key, length);
            ulong second = SecondWord(ref key, length);
            word.Prefix = prefix;
            word.Second = second;
            word.Hash = length <= 16 ? Finish(ShortSeed(prefix, second, length)) : Hash(ref key, length);
            if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref slots, (nint)(word.Hash >> shift))));
        }
        if (Sse.IsSupported)
        {
            foreach (ref PendingWord word in words)
            {
                int number = Unsafe.Add(ref slots, (nint)(word.Hash >> shift));
                if (number != 0) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref entries, number - 1)));
            }
        }

        TotalWords += words.Length;
        int mask = _index.Length - 1;
        foreach (ref PendingWord word in words)
        {
            int length = word.Length;
            ulong tagAndLength = (word.Hash >> 32) | ((ulong)length << 32);
            int slot = (int)(word.Hash >> shift);
            while (true)
            {
                int number = Unsafe.Add(ref slots, slot);
                if (number == 0)
                {
                    Insert(slot, new ReadOnlySpan<byte>(buffer, word.Start, length), tagAndLength, word.Prefix, 1, bufferPosition + word.Start);
                    slots = ref MemoryMarshal.GetArrayDataReference(_index); // the insert may have grown the table
                    entries = ref MemoryMarshal.GetArrayDataReference(_entries);
                    shift = _shift;
                    mask = _index.Length - 1;
                    break;
                }
                ref Entry entry = ref Unsafe.Add(ref entries, number - 1);
                if (((entry.TagAndLength ^ tagAndLength) | (entry.Prefix ^ word.Prefix) | (entry.Second ^ word.Second)) == 0 &&
                    (length <= 16 || TailEquals(ref Unsafe.Add(ref data, word.Start), ref _arena[_keyOffsets[number - 1]], length)))
                {
                    entry.Count++;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }

    /// <summary>Adds every word of <paramref name="other"/>: counts add up, the earlier first occurrence wins.</summary>
    public void Merge(WordTable other)
    {
        for (int i = 0; i < other.Count; i++)
        {
            Add(other._arena, other._keyOffsets[i], Length(other._entries[i]), other._entries[i].Count, other._firstPositions[i]);
        }
    }

    /// <summary>
    /// The <paramref name="limit"/> most frequent words, by count descending and ties by first occurrence; every word
    /// when <paramref name="limit"/> is at least <see cref="Count"/>.
    /// </summary>
    public IReadOnlyList<WordCount> Top(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Ranked[] ranked = limit >= Count / 4 ? RankAll() : RankBest(limit);
        Array.Sort(ranked, default(RankOrder));
        var top = new WordCount[Math.Min(limit, ranked.Length)];
        for (int i = 0; i < top.Length; i++)
        {
            int e = ranked[i].Entry;
            top[i] = new WordCount(Encoding.UTF8.GetString(_arena, _keyOffsets[e], Length(_entries[e])), _entries[e].Count, _firstPositions[e]);
        }
        return top;
    }

    private Ranked[] RankAll()
    {
        var ranked = new Ranked[Count];
        for (int i = 0; i < ranked.Length; i++) ranked[i] = new Ranked(_entries[i].Count, _firstPositions[i], i);
        return ranked;
    }

    /// <summary>
    /// The best <paramref name="limit"/> words in no order, through a heap of that size whose top is the worst kept:
    /// sorting a large vocabulary to list a few words would be most of the work left after counting.
    /// </summary>
    private Ranked[] RankBest(int limit)
    {
        var kept = new PriorityQueue<Ranked, Ranked>(limit + 1, Comparer<Ranked>.Create(static (a, b) => default(RankOrder).Compare(b, a)));
        for (int i = 0; i < Count; i++)
        {
            var candidate = new Ranked(_entries[i].Count, _firstPositions[i], i);
            if (kept.Count < limit) kept.Enqueue(candidate, candidate);
            else if (limit > 0 && default(RankOrder).Compare(candidate, kept.Peek()) < 0) kept.EnqueueDequeue(candidate, candidate);
        }
        return kept.UnorderedItems.Select(item => item.Element).ToArray();
    }

    private readonly record struct Ranked(long Count, long FirstPosition, int Entry);

    /// <summary>Count descending, then first occurrence. First positions are distinct, so the order is total and the
    /// result does not depend on the sort's stability. A struct comparer, so the sort's compare is inlined.</summary>
    private readonly struct RankOrder : IComparer<Ranked>
    {
        public int Compare(Ranked a, Ranked b) =>
            a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.FirstPosition.CompareTo(b.FirstPosition);
    }

    private void Add(byte[] array, int start, int length, long count, long firstPosition)
    {
        if (length <= 0) throw new ArgumentException("Empty words are never counted.", nameof(length));
        if ((uint)start > (uint)array.Length || array.Length - start - length < KeyPadding)
        {
            AddUnpadded(array.AsSpan(start, length), count, firstPosition);
            return;
        }
        ref byte key = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), start);
        AddHashed(array, start, length, Hash(ref key, length), count, firstPosition);
    }

    /// <summary>One lookup, for adds outside a batch; the key is padded and its hash is computed.</summary>
    private void AddHashed(byte[] array, int start, int length, ulong hash, long count, long firstPosition)
    {
        TotalWords += count;
        ref byte key = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), start);
        ulong prefix = FirstWord(ref key, length);
        ulong second = SecondWord(ref key, length);
        ulong tagAndLength = (hash >> 32) | ((ulong)length << 32);
        int mask = _index.Length - 1;
        int slot = (int)(hash >> _shift);
        while (true)
        {
            int number = _index[slot];
            if (number == 0) break;
            ref Entry entry = ref _entries[number - 1];
            if (((entry.TagAndLength ^ tagAndLength) | (entry.Prefix ^ prefix) | (entry.Second ^ second)) == 0 &&
                (length <= 16 || TailEquals(ref key, ref _arena[_keyOffsets[number - 1]], length)))
            {
                entry.Count += count;
                // A merge can bring an earlier first occurrence (a batch cannot: it comes in file order after the rest).
                if (firstPosition < _firstPositions[number - 1]) _firstPositions[number - 1] = firstPosition;
                return;
            }
            slot = (slot + 1) & mask;
        }
        Insert(slot, array.AsSpan(start, length), tagAndLength, prefix, count, firstPosition);
    }

    /// <summary>Copies the key where it has padding, then adds it.</summary>
    private void AddUnpadded(ReadOnlySpan<byte> key, long count, long firstPosition)
    {
        if (key.IsEmpty) throw new ArgumentException("Empty words are never counted.", nameof(key));
        if (_scratch.Length < key.Length + KeyPadding) _scratch = new byte[Math.Max(key.Length + KeyPadding, 2 * _scratch.Length)];
        key.CopyTo(_scratch);
        Add(_scratch, 0, key.Length, count, firstPosition);
    }

    private void Insert(int slot, ReadOnlySpan<byte> key, ulong tagAndLength, ulong prefix, long count, long firstPosition)
    {
        if (_arena.Length - _arenaUsed < key.Length + KeyPadding)
        {
            long wanted = Math.Max((long)_arena.Length * 2, (long)_arenaUsed + key.Length + KeyPadding);
            Array.Resize(ref _arena, (int)Math.Min(wanted, Array.MaxLength));
        }
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
            Array.Resize(ref _firstPositions, _entries.Length);
            Array.Resize(ref _keyOffsets, _entries.Length);
        }
        key.CopyTo(_arena.AsSpan(_arenaUsed));
        _entries[Count] = new Entry
        {
            Prefix = prefix,
            Second = SecondWord(ref MemoryMarshal.GetReference(key), key.Length),
            Count = count,
            TagAndLength = tagAndLength,
        };
        _firstPositions[Count] = firstPosition;
        _keyOffsets[Count] = _arenaUsed;
        _arenaUsed += key.Length;
        _index[slot] = ++Count;
        // At most half the slots in use keeps linear probing short; the slots are 4 bytes, so that costs little.
        if (Count * 2 > _index.Length) GrowIndex();
    }

    private void GrowIndex()
    {
        var index = new int[_index.Length * 2];
        int shift = _shift - 1; // the index has at most 2^31 slots, so shift stays above 32 and the tag holds the bits
        int mask = index.Length - 1;
        for (int i = 0; i < Count; i++)
        {
            int slot = (int)((uint)_entries[i].TagAndLength >> (shift - 32));
            while (index[slot] != 0) slot = (slot + 1) & mask;
            index[slot] = i + 1;
        }
        _index = index;
        _shift = shift;
    }

    private static int Length(in Entry entry) => (int)(entry.TagAndLength >> 32);

    private const ulong Multiplier = 0x9E3779B97F4A7C15; // 2^64 / golden ratio: spreads well for multiplicative hashing

    /// <summary>Masks that keep the first n bytes of a word (n = 0..8), by table lookup rather than a branch.</summary>
    private static ReadOnlySpan<ulong> LowByteMasks =>
    [
        0, 0xFF, 0xFFFF, 0xFF_FFFF, 0xFFFF_FFFF, 0xFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF, 0xFF_FFFF_FFFF_FFFF, ulong.MaxValue,
    ];

    /// <summary>A mask of the low <paramref name="length"/> bytes (all 8 when length is 8 or more, none below 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LowBytes(int length) => LowByteMasks[Math.Clamp(length, 0, 8)];

    /// <summary>Key bytes 0..7, zero-padded (the key has <see cref="KeyPadding"/> readable bytes after it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FirstWord(ref byte key, int length) => Unsafe.ReadUnaligned<ulong>(ref key) & LowBytes(length);

    /// <summary>Key bytes 8..15, zero-padded; 0 for keys of 8 bytes or fewer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SecondWord(ref byte key, int length) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref key, 8)) & LowBytes(length - 8);

    /// <summary>
    /// A fast multiplicative hash over the key in 8-byte words; the index uses its top bits. Keys of up to 16 bytes
    /// (most words) are hashed from their first two words without a loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ref byte key, int length)
    {
        ulong h = ShortSeed(FirstWord(ref key, length), SecondWord(ref key, length), length);
        for (int i = 16; i < length; i += 8)
        {
            ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref key, i)) & LowBytes(length - i);
            h = BitOperations.RotateLeft(h * Multiplier, 29) ^ word;
        }
        return Finish(h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ShortSeed(ulong prefix, ulong second, int length) =>
        BitOperations.RotateLeft((prefix ^ ((ulong)length << 59)) * Multiplier, 29) ^ second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Finish(ulong h)
    {
        h *= Multiplier;
        return h ^ (h >> 29);
    }

    /// <summary>Compares the bytes after the first 16 of two keys of the same length (both padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TailEquals(ref byte a, ref byte b, int length)
    {
        for (int i = 16; i < length; i += 8)
        {
            ulong difference = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, i)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i));
            if ((difference & LowBytes(length - i)) != 0) return false;
        }
        return true;
    }
}
