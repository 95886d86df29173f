using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// Counts words keyed by their UTF-8 bytes, remembering where each first appeared. Memory grows with the vocabulary,
/// never with the file: an entry of 48 bytes per distinct word, the word's bytes once in an arena, and two 4-byte index slots.
/// </summary>
/// <remarks>
/// <para>Layout, chosen by measurement: an open-addressing index of entry numbers over a dense array of entries in
/// first-seen order. In a Zipf text the frequent words come first, so their entries and key bytes share a few pages
/// and cache lines; with the entries inline in a sparse hash array instead, every frequent word sat on its own page
/// and lookups were bound by TLB and cache misses (three times slower on a 200,000-word vocabulary).</para>
/// <para>Keys are compared as bytes: callers hand in keys already in one canonical form (valid UTF-8, and lower-cased
/// for the letters rule), so equal words have equal bytes. Keys are read 8 bytes at a time and masked, which needs 8
/// readable bytes after each key (<see cref="KeyPadding"/>); the scanners' buffers have them.</para>
/// </remarks>
public sealed class WordTable
{
    /// <summary>Bytes that must be readable (any content) after a key passed to <see cref="Add(byte[], int, int, long)"/>.</summary>
    public const int KeyPadding = 8;

    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public ulong Hash;
        public ulong Prefix;        // key bytes 0..7, little-endian, zero-padded
        public ulong Second;        // key bytes 8..15, zero-padded: keys up to 16 bytes compare without the arena
        public long Count;
        public long FirstPosition;  // byte offset in the file of the first occurrence
        public int KeyOffset;       // where the key starts in the arena
        public int Length;
    }

    private const int InitialCapacity = 256; // small: a task's file is often a few KB, and cold start matters

    private int[] _index = new int[InitialCapacity * 2]; // entry number + 1; 0 is an empty slot
    private int _shift = 64 - BitOperations.Log2(InitialCapacity * 2);
    private Entry[] _entries = new Entry[InitialCapacity];
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

    /// <summary>A word waiting in a batch: where it is in the buffer, and its hash once <see cref="AddBatch"/> computes it.</summary>
    public struct PendingWord
    {
        public int Start;
        public int Length;
        internal ulong Hash;
        internal ulong Prefix;
    }

    /// <summary>
    /// Counts a batch of words of <paramref name="buffer"/> (which has <see cref="KeyPadding"/> bytes after each), in
    /// order, as if each were passed to <see cref="Add(byte[], int, int, long)"/>.
    /// </summary>
    /// <remarks>
    /// The words of a Zipf text's long tail miss the cache twice (index slot, then entry), and one at a time those
    /// misses are waited for one after the other. A batch hashes all its words and prefetches their slots, then their
    /// entries, so the misses overlap, and only then counts them in file order (the prefetches are hints: the counting
    /// pass does the full lookup, so growth of the table in between changes nothing).
    /// </remarks>
    public unsafe void AddBatch(byte[] buffer, Span<PendingWord> words, long bufferPosition)
    {
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buffer);
        foreach (ref PendingWord word in words)
        {
            if ((uint)word.Start > (uint)buffer.Length || word.Length <= 0 || buffer.Length - word.Start - word.Length < KeyPadding)
            {
                throw new ArgumentOutOfRangeException(nameof(words), "A word of the batch lies outside the buffer's padded data.");
            }
            ref byte key = ref Unsafe.Add(ref data, word.Start);
            word.Prefix = Unsafe.ReadUnaligned<ulong>(ref key) & LowBytes(word.Length);
            word.Hash = Hash(ref key, word.Length, word.Prefix);
            if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _index[(int)(word.Hash >> _shift)]));
        }
        if (Sse.IsSupported)
        {
            foreach (ref PendingWord word in words)
            {
                int number = _index[(int)(word.Hash >> _shift)];
                if (number != 0) Sse.Prefetch0(Unsafe.AsPointer(ref _entries[number - 1]));
            }
        }
        foreach (ref PendingWord word in words)
        {
            AddHashed(buffer, word.Start, word.Length, word.Hash, word.Prefix, 1, bufferPosition + word.Start, keepEarliest: false);
        }
    }

    /// <summary>Adds every word of <paramref name="other"/>: counts add up, the earlier first occurrence wins.</summary>
    public void Merge(WordTable other)
    {
        for (int i = 0; i < other.Count; i++)
        {
            ref Entry entry = ref other._entries[i];
            Add(other._arena, entry.KeyOffset, entry.Length, entry.Count, entry.FirstPosition);
        }
    }

    /// <summary>
    /// The <paramref name="limit"/> most frequent words, by count descending and ties by first occurrence; every word
    /// when <paramref name="limit"/> is at least <see cref="Count"/>.
    /// </summary>
    public IReadOnlyList<WordCount> Top(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var ranked = new (long Count, long FirstPosition, int Entry)[Count];
        for (int i = 0; i < ranked.Length; i++) ranked[i] = (_entries[i].Count, _entries[i].FirstPosition, i);
        // First positions are distinct, so this order is total and the result does not depend on the sort's stability.
        Array.Sort(ranked, static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.FirstPosition.CompareTo(b.FirstPosition));
        var top = new WordCount[Math.Min(limit, ranked.Length)];
        for (int i = 0; i < top.Length; i++)
        {
            ref Entry entry = ref _entries[ranked[i].Entry];
            top[i] = new WordCount(Encoding.UTF8.GetString(_arena, entry.KeyOffset, entry.Length), entry.Count, entry.FirstPosition);
        }
        return top;
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
        ulong prefix = Unsafe.ReadUnaligned<ulong>(ref key) & LowBytes(length);
        AddHashed(array, start, length, Hash(ref key, length, prefix), prefix, count, firstPosition, keepEarliest: true);
    }

    /// <summary>The lookup itself; the key is padded and its hash and prefix are computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddHashed(byte[] array, int start, int length, ulong hash, ulong prefix, long count, long firstPosition, bool keepEarliest)
    {
        TotalWords += count;
        ref byte key = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), start);
        ref int slots = ref MemoryMarshal.GetArrayDataReference(_index);
        int mask = _index.Length - 1;
        int slot = (int)(hash >> _shift);
        while (true)
        {
            int number = Unsafe.Add(ref slots, slot);
            if (number == 0) break;
            ref Entry entry = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), number - 1);
            if (entry.Hash == hash && entry.Prefix == prefix && entry.Length == length &&
                (length <= 8 || (entry.Second == SecondWord(ref key, length) &&
                                 (length <= 16 || TailEquals(ref key, ref _arena[entry.KeyOffset], length)))))
            {
                entry.Count += count;
                // A batch comes in file order after what the table holds, so only other adds (a merge) need the test.
                if (keepEarliest && firstPosition < entry.FirstPosition) entry.FirstPosition = firstPosition;
                return;
            }
            slot = (slot + 1) & mask;
        }
        Insert(slot, array.AsSpan(start, length), hash, prefix, count, firstPosition);
    }

    /// <summary>Copies the key where it has padding, then adds it.</summary>
    private void AddUnpadded(ReadOnlySpan<byte> key, long count, long firstPosition)
    {
        if (key.IsEmpty) throw new ArgumentException("Empty words are never counted.", nameof(key));
        if (_scratch.Length < key.Length + KeyPadding) _scratch = new byte[Math.Max(key.Length + KeyPadding, 2 * _scratch.Length)];
        key.CopyTo(_scratch);
        Add(_scratch, 0, key.Length, count, firstPosition);
    }

    private void Insert(int slot, ReadOnlySpan<byte> key, ulong hash, ulong prefix, long count, long firstPosition)
    {
        if (_arena.Length - _arenaUsed < key.Length + KeyPadding)
        {
            long wanted = Math.Max((long)_arena.Length * 2, (long)_arenaUsed + key.Length + KeyPadding);
            Array.Resize(ref _arena, (int)Math.Min(wanted, Array.MaxLength));
        }
        if (Count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        key.CopyTo(_arena.AsSpan(_arenaUsed));
        int length = key.Length;
        _entries[Count] = new Entry
        {
            Hash = hash, Prefix = prefix, Second = length > 8 ? SecondWord(ref MemoryMarshal.GetReference(key), key.Length) : 0,
            Count = count, FirstPosition = firstPosition,
            KeyOffset = _arenaUsed, Length = key.Length,
        };
        _arenaUsed += key.Length;
        _index[slot] = ++Count;
        // At most half the slots in use keeps linear probing short; the slots are 4 bytes, so that costs little.
        if (Count * 2 > _index.Length) GrowIndex();
    }

    private void GrowIndex()
    {
        var index = new int[_index.Length * 2];
        int shift = _shift - 1;
        int mask = index.Length - 1;
        for (int i = 0; i < Count; i++)
        {
            int slot = (int)(_entries[i].Hash >> shift);
            while (index[slot] != 0) slot = (slot + 1) & mask;
            index[slot] = i + 1;
        }
        _index = index;
        _shift = shift;
    }

    private const ulong Multiplier = 0x9E3779B97F4A7C15; // 2^64 / golden ratio: spreads well for multiplicative hashing

    /// <summary>A mask of the low <paramref name="length"/> bytes (all 8 when length is 8 or more).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LowBytes(int length) => length >= 8 ? ulong.MaxValue : (1UL << (8 * length)) - 1;

    /// <summary>A fast multiplicative hash over the key in 8-byte words; the index uses its top bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ref byte key, int length, ulong prefix)
    {
        ulong h = prefix ^ ((ulong)length << 59);
        for (int i = 8; i < length; i += 8)
        {
            ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref key, i)) & LowBytes(length - i);
            h = BitOperations.RotateLeft(h * Multiplier, 29) ^ word;
        }
        h *= Multiplier;
        return h ^ (h >> 29);
    }

    /// <summary>Key bytes 8..15 of a padded key longer than 8 bytes, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SecondWord(ref byte key, int length) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref key, 8)) & LowBytes(length - 8);

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
