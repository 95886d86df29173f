using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// Counts words keyed by their UTF-8 bytes, remembering where each first appeared. Memory grows with the vocabulary,
/// never with the file: per distinct word two or four 32-byte slots (the table is at most half full), its first
/// position and key offset (12 bytes), and the word's bytes once in an arena. Words longer than the long-word threshold
/// are not held at all: a <see cref="LongWordTable"/> counts them by length and hash, and compares them in the file.
/// </summary>
/// <remarks>
/// <para>Layout, chosen by measurement: an open-addressing table whose 32-byte slots hold everything a repeated word
/// needs (its first 16 bytes, its length and its count), two to a cache line, so counting a word that is already
/// there touches one line of the table. An earlier layout, an index of entry numbers over dense entries, touched two
/// lines per word, the second only once the first had arrived; on 100 MB of Zipf text the single line took one thread
/// from 0.44 s to 0.32 s (best of 10, quiet machine). The table is cache-line aligned native memory, so a
/// slot never straddles two lines, which a managed array cannot promise. Tried and not kept, for no measurable gain on
/// that text: a denser table (up to 80% full, 4 MB instead of 8 MB for 100,000 words), 2 MB pages for the slots, and
/// prefetching to L2 instead of L1.</para>
/// <para>Keys are compared as bytes: callers hand in keys already in one canonical form (valid UTF-8, and lower-cased
/// for the letters rule), so equal words have equal bytes. A key's first 16 bytes are loaded as one vector and masked
/// to its length, which needs 16 readable bytes after each key (<see cref="KeyPadding"/>); the scanners' buffers have
/// them. Equal length and equal first 16 bytes decide equality for keys of up to 16 bytes (most words); longer keys
/// then compare the rest of their bytes with the copy in the arena, so the result is exact whatever the hash does.</para>
/// </remarks>
public sealed unsafe class WordTable
{
    /// <summary>Bytes that must be readable (any content) after a key passed to <see cref="Add(byte[], int, int, long)"/>:
    /// the first 16 bytes of every key are loaded whole and masked, whatever its length.</summary>
    public const int KeyPadding = 16;

    /// <summary>One slot of the table, 32 bytes: two to a cache line.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 32)]
    internal struct Slot
    {
        public Vector128<byte> Key; // key bytes 0..15, zero past the key's end
        public long Count;
        public int Length;          // 0 for an empty slot: no word is empty
        public int Entry;           // the word's number in first-seen order: where its cold data is
    }

    private const int InitialCapacity = 256; // slots; small: a task's file is often a few KB, and cold start matters
    private const int CacheLine = 64;

    private Slot* _slots;       // _capacity slots, cache-line aligned; freed by the finalizer
    private int _capacity;      // a power of two
    private int _shift;         // a word's first slot is hash >> _shift
    // Touched only when a word is first seen, when the table grows or merges, and at the end.
    private long[] _firstPositions = new long[InitialCapacity / 2]; // byte offset in the file of the first occurrence
    private int[] _keyOffsets = new int[InitialCapacity / 2];       // where the key starts in the arena
    private byte[] _arena = new byte[4096];                         // every key once, with KeyPadding after the last
    private int _arenaUsed;
    private byte[] _scratch = [];
    private int _heldCount;     // distinct words in the slots and the arena
    private readonly LongWordTable? _longWords;
    private readonly long _longWordThreshold = long.MaxValue;

    /// <summary>A table that holds every word, whatever its length (tests, and callers without a file to re-read).</summary>
    public WordTable()
    {
        Allocate(InitialCapacity);
    }

    /// <summary>
    /// A table that holds words of up to <paramref name="longWordThreshold"/> bytes and counts longer ones in
    /// <paramref name="longWords"/>, which reads the file to tell them apart.
    /// </summary>
    internal WordTable(LongWordTable longWords, int longWordThreshold) : this()
    {
        _longWords = longWords;
        _longWordThreshold = longWordThreshold;
    }

    ~WordTable()
    {
        Free();
    }

    /// <summary>The number of distinct words.</summary>
    public int Count => _heldCount + (_longWords?.Count ?? 0);

    /// <summary>The number of words counted (every occurrence): the sum of the counts, worked out when asked (once, at
    /// the end) rather than kept up to date on the hot path.</summary>
    public long TotalWords
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _capacity; i++) total += _slots[i].Count;
            return total + (_longWords?.TotalWords ?? 0);
        }
    }

    /// <summary>Counts one occurrence of <paramref name="key"/> found at byte offset <paramref name="position"/>.</summary>
    /// <remarks>Within one table, occurrences are added in file order, so the first add of a key is its first occurrence.</remarks>
    public void Add(ReadOnlySpan<byte> key, long position) => AddUnpadded(key, 1, position);

    /// <summary>
    /// A word of a buffer on its way into the table: where it is, and what <see cref="Preparer"/> derives from it.
    /// A <see cref="Length"/> of 0 is a dropped token, which <see cref="CountPresent"/> skips.
    /// </summary>
    public struct PendingWord
    {
        public int Start;
        public int Length;
        internal ulong Hash;
        internal Vector128<byte> Key;
    }

    // Counting a buffer's words goes in two steps, so that the slots' cache misses overlap rather than come one after
    // the other: a scanner prepares some hundred words (hashes them and prefetches their slots, with a Preparer), then
    // counts them in order with CountPresent, which stops only at words that need AddPrepared.

    /// <summary>
    /// Derives what a lookup needs from a word and prefetches its slot. Valid until the table next grows: after that
    /// the prefetches go to the old slots, which is harmless (a prefetch is a hint, and counting does the full lookup),
    /// so a scanner takes one per buffer or batch.
    /// </summary>
    internal readonly struct Preparer(Slot* slots, int shift)
    {
        /// <summary>Prepares a word of 1 to 16 bytes whose bytes, zero past its end, are <paramref name="head"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PrepareShort(ref PendingWord word, Vector128<byte> head)
        {
            ulong hash = ShortHash(head, word.Length);
            word.Key = head;
            word.Hash = hash;
            if (Sse.IsSupported) Sse.Prefetch0(slots + (hash >> shift));
        }

        /// <summary>Prepares a word of any length of 1 or more; <paramref name="key"/> has <see cref="KeyPadding"/>
        /// readable bytes after the word.</summary>
        public void Prepare(ref PendingWord word, ref byte key)
        {
            int length = word.Length;
            if (length <= 16)
            {
                PrepareShort(ref word, ShortHead(ref key, length));
                return;
            }
            Vector128<byte> head = Vector128.LoadUnsafe(ref key);
            word.Key = head;
            word.Hash = LongHash(head, ref key, length);
            if (Sse.IsSupported) Sse.Prefetch0(slots + (word.Hash >> shift));
        }
    }

    internal Preparer GetPreparer() => new(_slots, _shift);

    /// <summary>
    /// Counts prepared words from <paramref name="i"/> on while each is already in the table with a key of at most 16
    /// bytes (a match of length and head is then a match of the whole key), skipping dropped ones (length 0); returns
    /// the index of the first word that needs more (new, longer, or a length below 0, which the caller deals with), or
    /// the end. A loop without calls, so that its values stay in registers.
    /// </summary>
    internal int CountPresent(Span<PendingWord> words, int i)
    {
        Slot* slots = _slots;
        int shift = _shift;
        nuint mask = (nuint)_capacity - 1;
        ref PendingWord first = ref MemoryMarshal.GetReference(words);
        for (; i < words.Length; i++)
        {
            ref PendingWord word = ref Unsafe.Add(ref first, i);
            int length = word.Length;
            if ((uint)(length - 1) >= 16)
            {
                if (length == 0) continue;
                return i;
            }
            nuint j = (nuint)(word.Hash >> shift);
            while (true)
            {
                Slot* slot = slots + j;
                if (slot->Length == length && slot->Key == word.Key)
                {
                    slot->Count++;
                    break;
                }
                if (slot->Length == 0) return i;
                j = (j + 1) & mask;
            }
        }
        return i;
    }

    /// <summary>
    /// The full lookup of one prepared word (length 1 or more) of <paramref name="buffer"/>: compares long keys to the
    /// end, inserts new words with <paramref name="firstPosition"/>, the word's offset in the file.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void AddPrepared(byte[] buffer, ref PendingWord word, long firstPosition)
    {
        int length = word.Length;
        if (length > _longWordThreshold)
        {
            AddLong(new ReadOnlySpan<byte>(buffer, word.Start, length), 1, firstPosition);
            return;
        }
        ref byte key = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), word.Start);
        nuint mask = (nuint)_capacity - 1;
        nuint j = (nuint)(word.Hash >> _shift);
        while (true)
        {
            Slot* slot = _slots + j;
            if (slot->Length == length && slot->Key == word.Key && (length <= 16 || TailEquals(ref key, slot->Entry, length)))
            {
                slot->Count++;
                return;
            }
            if (slot->Length == 0)
            {
                Insert(slot, new ReadOnlySpan<byte>(buffer, word.Start, length), word.Key, 1, firstPosition);
                return;
            }
            j = (j + 1) & mask;
        }
    }

    /// <summary>Adds every word of <paramref name="other"/>: counts add up, the earlier first occurrence wins.</summary>
    public void Merge(WordTable other)
    {
        if (other._longWords is not null) _longWords!.Merge(other._longWords);
        nuint mask = (nuint)_capacity - 1;
        for (int j = 0; j < other._capacity; j++)
        {
            Slot* from = other._slots + j;
            int length = from->Length;
            if (length == 0) continue;
            int entry = from->Entry;
            long firstPosition = other._firstPositions[entry];
            if (length > 16)
            {
                Add(other._arena, other._keyOffsets[entry], length, from->Count, firstPosition);
                continue;
            }
            // A key of up to 16 bytes is all in its slot, so it is looked up without reading the other table's arena
            // (in first-seen order there, so in no useful order here); the arena is read only to insert a new word.
            nuint i = (nuint)(ShortHash(from->Key, length) >> _shift);
            while (true)
            {
                Slot* slot = _slots + i;
                if (slot->Length == length && slot->Key == from->Key)
                {
                    slot->Count += from->Count;
                    if (firstPosition < _firstPositions[slot->Entry]) _firstPositions[slot->Entry] = firstPosition;
                    break;
                }
                if (slot->Length == 0)
                {
                    Insert(slot, new ReadOnlySpan<byte>(other._arena, other._keyOffsets[entry], length), from->Key, from->Count, firstPosition);
                    mask = (nuint)_capacity - 1; // the insert may have grown the table
                    break;
                }
                i = (i + 1) & mask;
            }
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
            Ranked r = ranked[i];
            top[i] = r.Entry >= 0
                ? new WordCount(Encoding.UTF8.GetString(_arena, _keyOffsets[r.Entry], r.Length), r.Count, r.FirstPosition)
                : new WordCount(null, r.Count, r.FirstPosition) { LongWordLength = _longWords![~r.Entry].Length };
        }
        return top;
    }

    private Ranked[] RankAll()
    {
        var ranked = new Ranked[Count];
        int n = 0;
        for (int i = 0; i < _capacity; i++)
        {
            Slot* slot = _slots + i;
            if (slot->Length != 0) ranked[n++] = new Ranked(slot->Count, _firstPositions[slot->Entry], slot->Entry, slot->Length);
        }
        foreach (Ranked longWord in RankedLongWords()) ranked[n++] = longWord;
        return ranked;
    }

    /// <summary>The long words as ranking entries: their entry is the complement of their index in the long-word table.</summary>
    private IEnumerable<Ranked> RankedLongWords()
    {
        for (int i = 0; i < (_longWords?.Count ?? 0); i++)
        {
            LongWordTable.Entry entry = _longWords![i];
            yield return new Ranked(entry.Count, entry.FirstPosition, ~i, 0);
        }
    }

    /// <summary>
    /// The best <paramref name="limit"/> words in no order, through a heap of that size whose top is the worst kept:
    /// sorting a large vocabulary to list a few words would be most of the work left after counting.
    /// </summary>
    private Ranked[] RankBest(int limit)
    {
        var kept = new PriorityQueue<Ranked, Ranked>(limit + 1, Comparer<Ranked>.Create(static (a, b) => default(RankOrder).Compare(b, a)));
        void Consider(Ranked candidate)
        {
            if (kept.Count < limit) kept.Enqueue(candidate, candidate);
            else if (limit > 0 && default(RankOrder).Compare(candidate, kept.Peek()) < 0) kept.EnqueueDequeue(candidate, candidate);
        }
        for (int i = 0; i < _capacity; i++)
        {
            Slot* slot = _slots + i;
            if (slot->Length != 0) Consider(new Ranked(slot->Count, _firstPositions[slot->Entry], slot->Entry, slot->Length));
        }
        foreach (Ranked longWord in RankedLongWords()) Consider(longWord);
        return kept.UnorderedItems.Select(item => item.Element).ToArray();
    }

    /// <summary>A word being ranked: <paramref name="Entry"/> is its number among the held words, or the complement of
    /// its index among the long words.</summary>
    private readonly record struct Ranked(long Count, long FirstPosition, int Entry, int Length);

    /// <summary>Count descending, then first occurrence. First positions are distinct, so the order is total and the
    /// result does not depend on the sort's stability. A struct comparer, so the sort's compare is inlined.</summary>
    private readonly struct RankOrder : IComparer<Ranked>
    {
        public int Compare(Ranked a, Ranked b) =>
            a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.FirstPosition.CompareTo(b.FirstPosition);
    }

    /// <summary>One lookup, for adds outside a batch: <paramref name="count"/> occurrences of a padded key.</summary>
    private void Add(byte[] array, int start, int length, long count, long firstPosition)
    {
        if (length <= 0) throw new ArgumentException("Empty words are never counted.", nameof(length));
        if (length > _longWordThreshold)
        {
            AddLong(array.AsSpan(start, length), count, firstPosition);
            return;
        }
        if ((uint)start > (uint)array.Length || array.Length - start - length < KeyPadding)
        {
            AddUnpadded(array.AsSpan(start, length), count, firstPosition);
            return;
        }
        ref byte key = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), start);
        Vector128<byte> head = Head(ref key, length);
        ulong hash = length <= 16 ? ShortHash(head, length) : LongHash(head, ref key, length);
        nuint mask = (nuint)_capacity - 1;
        nuint i = (nuint)(hash >> _shift);
        while (true)
        {
            Slot* slot = _slots + i;
            if (slot->Length == length && slot->Key == head && (length <= 16 || TailEquals(ref key, slot->Entry, length)))
            {
                slot->Count += count;
                // A merge can bring an earlier first occurrence (a batch cannot: it comes in file order after the rest).
                if (firstPosition < _firstPositions[slot->Entry]) _firstPositions[slot->Entry] = firstPosition;
                return;
            }
            if (slot->Length == 0)
            {
                Insert(slot, array.AsSpan(start, length), head, count, firstPosition);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Counts a long word that arrived whole in a buffer: it goes to the long words by hash, like one streamed
    /// from the file (<see cref="AddLongWord"/>), so both meet whatever path each took.</summary>
    private void AddLong(ReadOnlySpan<byte> key, long count, long firstPosition) =>
        _longWords!.Add(LongWordHasher.Of(key), key.Length, count, firstPosition);

    /// <summary>Counts one occurrence, at <paramref name="position"/>, of a word longer than the threshold, known only by
    /// the hash and length of its key (read from the file with <see cref="WordKeyReader"/>).</summary>
    internal void AddLongWord(UInt128 hash, long length, long position)
    {
        if (_longWords is null || length <= _longWordThreshold) throw new InvalidOperationException("Only a table with a long-word threshold counts long words, and only words longer than it.");
        _longWords.Add(hash, length, 1, position);
    }

    /// <summary>Copies the key where it has padding, then adds it.</summary>
    private void AddUnpadded(ReadOnlySpan<byte> key, long count, long firstPosition)
    {
        if (key.IsEmpty) throw new ArgumentException("Empty words are never counted.", nameof(key));
        if (_scratch.Length < key.Length + KeyPadding) _scratch = new byte[Math.Max(key.Length + KeyPadding, 2 * _scratch.Length)];
        key.CopyTo(_scratch);
        Add(_scratch, 0, key.Length, count, firstPosition);
    }

    private void Insert(Slot* slot, ReadOnlySpan<byte> key, Vector128<byte> head, long count, long firstPosition)
    {
        if (_arena.Length - _arenaUsed < key.Length + KeyPadding)
        {
            long wanted = Math.Max((long)_arena.Length * 2, (long)_arenaUsed + key.Length + KeyPadding);
            if (wanted > Array.MaxLength) throw new InsufficientMemoryException("The distinct words take more bytes than one .NET array can hold.");
            Array.Resize(ref _arena, (int)wanted);
        }
        if (_heldCount == _firstPositions.Length)
        {
            Array.Resize(ref _firstPositions, _firstPositions.Length * 2);
            Array.Resize(ref _keyOffsets, _firstPositions.Length);
        }
        key.CopyTo(_arena.AsSpan(_arenaUsed));
        _firstPositions[_heldCount] = firstPosition;
        _keyOffsets[_heldCount] = _arenaUsed;
        _arenaUsed += key.Length;
        slot->Key = head;
        slot->Count = count;
        slot->Length = key.Length;
        slot->Entry = _heldCount;
        // At most half the slots in use keeps linear probing short.
        if (++_heldCount * 2 > _capacity) Grow();
    }

    private void Grow()
    {
        Slot* old = _slots;
        int oldCapacity = _capacity;
        if (oldCapacity >= 1 << 30) throw new InsufficientMemoryException("Too many distinct words for one table.");
        Allocate(oldCapacity * 2);
        nuint mask = (nuint)_capacity - 1;
        ref byte arena = ref MemoryMarshal.GetArrayDataReference(_arena);
        for (int j = 0; j < oldCapacity; j++)
        {
            Slot* from = old + j;
            int length = from->Length;
            if (length == 0) continue;
            ulong hash = length <= 16 ? ShortHash(from->Key, length) : LongHash(from->Key, ref Unsafe.Add(ref arena, _keyOffsets[from->Entry]), length);
            nuint i = (nuint)(hash >> _shift);
            while (_slots[i].Length != 0) i = (i + 1) & mask;
            _slots[i] = *from;
        }
        NativeMemory.AlignedFree(old);
        GC.RemoveMemoryPressure((long)oldCapacity * sizeof(Slot));
    }

    private void Allocate(int capacity)
    {
        nuint bytes = (nuint)capacity * (nuint)sizeof(Slot);
        _slots = (Slot*)NativeMemory.AlignedAlloc(bytes, CacheLine);
        NativeMemory.Clear(_slots, bytes);
        GC.AddMemoryPressure((long)bytes);
        _capacity = capacity;
        _shift = 64 - BitOperations.Log2((uint)capacity);
    }

    private void Free()
    {
        if (_slots == null) return;
        NativeMemory.AlignedFree(_slots);
        GC.RemoveMemoryPressure((long)_capacity * sizeof(Slot));
        _slots = null;
    }

    /// <summary>A window of 16 FF bytes then 16 zero bytes: 16 bytes loaded from offset 16 - n keep the first n.</summary>
    private static ReadOnlySpan<byte> MaskWindow =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>The bytes of a key of 1 to 16 bytes, zero past its end (16 bytes at the key are readable).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> ShortHead(ref byte key, int length) => KeepFirst(Vector128.LoadUnsafe(ref key), length);

    /// <summary>The first <paramref name="length"/> (0 to 16) bytes of <paramref name="bytes"/>, zero after them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> KeepFirst(Vector128<byte> bytes, int length) =>
        bytes & Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(MaskWindow), (nuint)(16 - length));

    /// <summary>Key bytes 0..15, zero past the key's end (the key has <see cref="KeyPadding"/> readable bytes after it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Head(ref byte key, int length)
    {
        nuint keep = (nuint)Math.Min((uint)length, 16u);
        return Vector128.LoadUnsafe(ref key) & Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(MaskWindow), 16 - keep);
    }

    private const ulong Multiplier1 = 0x9E3779B97F4A7C15; // 2^64 / golden ratio: spreads well for multiplicative hashing
    private const ulong Multiplier2 = 0xC2B2AE3D27D4EB4F; // xxHash's 64-bit prime 2, another odd constant with mixed bits

    /// <summary>
    /// The hash of a key of up to 16 bytes, from its head and length; the table uses its top bits. Two independent
    /// multiplications, whose top bits depend on every bit of their operand.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ShortHash(Vector128<byte> head, int length)
    {
        ulong first = head.AsUInt64().ToScalar();
        // SSE4.1 is in the NativeAOT x64 baseline (x86-64-v2); without the explicit form the element went through memory.
        ulong second = Sse41.X64.IsSupported ? Sse41.X64.Extract(head.AsUInt64(), 1) : head.AsUInt64().GetElement(1);
        return (first * Multiplier1) ^ ((second + (uint)length) * Multiplier2);
    }

    /// <summary>The hash of a key of more than 16 bytes: the short hash of its head, then every 8 bytes after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LongHash(Vector128<byte> head, ref byte key, int length)
    {
        ulong h = ShortHash(head, length);
        int i = 16;
        for (; i + 8 <= length; i += 8)
        {
            h = BitOperations.RotateLeft((h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref key, i))) * Multiplier1, 29);
        }
        if (i < length)
        {
            ulong last = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref key, i)) & (ulong.MaxValue >> (8 * (8 - (length - i))));
            h = BitOperations.RotateLeft((h ^ last) * Multiplier1, 29);
        }
        return h * Multiplier2;
    }

    /// <summary>The hash that places <paramref name="key"/> in the table: tests use it to make words that collide.</summary>
    internal static ulong HashOf(ReadOnlySpan<byte> key)
    {
        byte[] padded = new byte[key.Length + KeyPadding];
        key.CopyTo(padded);
        ref byte start = ref MemoryMarshal.GetArrayDataReference(padded);
        Vector128<byte> head = Head(ref start, key.Length);
        return key.Length <= 16 ? ShortHash(head, key.Length) : LongHash(head, ref start, key.Length);
    }

    /// <summary>Compares bytes 16.. of a key with those of entry <paramref name="entry"/>, of the same length.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TailEquals(ref byte key, int entry, int length) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref key, 16), length - 16)
            .SequenceEqual(new ReadOnlySpan<byte>(_arena, _keyOffsets[entry] + 16, length - 16));
}
