using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// Counts words keyed by their UTF-8 bytes, remembering where each first appeared. Memory grows with the vocabulary,
/// never with the file: one slot per distinct word plus the word's bytes once in an arena.
/// </summary>
/// <remarks>
/// Open addressing with linear probing over inline slots, so a lookup of a frequent word costs one cache line. Each slot
/// keeps the first 8 bytes of its key, which decides equality for the short words that make up most of a text without
/// touching the arena. Keys are compared as bytes: callers hand in keys already in one canonical form (valid UTF-8, and
/// lower-cased for the letters rule), so equal words have equal bytes.
/// </remarks>
public sealed class WordTable
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public ulong Prefix;        // first min(Length, 8) key bytes, little-endian, zero-padded
        public long Count;          // 0 marks an empty slot (empty keys are never added)
        public long FirstPosition;  // byte offset in the file of the first occurrence
        public int KeyOffset;       // where the key starts in the arena
        public int Length;
        public ulong Hash;          // the whole hash: growing the table needs no rehash (the slot is 40 bytes either way)
    }

    private const int InitialCapacity = 256; // small: a task's file is often a few KB and cold start matters

    private Slot[] _slots = new Slot[InitialCapacity];
    private int _shift = 64 - BitOperations.Log2(InitialCapacity);
    private byte[] _arena = new byte[4096];
    private int _arenaUsed;

    /// <summary>The number of distinct words.</summary>
    public int Count { get; private set; }

    /// <summary>The number of words counted (every occurrence).</summary>
    public long TotalWords { get; private set; }

    /// <summary>Counts one occurrence of <paramref name="key"/> found at byte offset <paramref name="position"/>.</summary>
    /// <remarks>Occurrences must be added in file order within one table, so the first add of a key is its first occurrence.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ReadOnlySpan<byte> key, long position) => Add(key, 1, position);

    /// <summary>Counts <paramref name="count"/> occurrences of <paramref name="key"/>, the first at <paramref name="firstPosition"/>.</summary>
    public void Add(ReadOnlySpan<byte> key, long count, long firstPosition)
    {
        if (key.IsEmpty) throw new ArgumentException("Empty words are never counted.", nameof(key));
        TotalWords += count;
        ulong hash = Hash(key, out ulong prefix);
        int length = key.Length;
        Slot[] slots = _slots;
        int mask = slots.Length - 1;
        int index = (int)(hash >> _shift);
        while (true)
        {
            ref Slot slot = ref slots[index];
            if (slot.Count == 0) break;
            if (slot.Hash == hash && slot.Length == length && slot.Prefix == prefix &&
                (length <= 8 || _arena.AsSpan(slot.KeyOffset + 8, length - 8).SequenceEqual(key[8..])))
            {
                slot.Count += count;
                if (firstPosition < slot.FirstPosition) slot.FirstPosition = firstPosition; // only when merging tables
                return;
            }
            index = (index + 1) & mask;
        }
        Insert(index, key, hash, prefix, count, firstPosition);
    }

    /// <summary>Adds every word of <paramref name="other"/>: counts add up, the earlier first occurrence wins.</summary>
    public void Merge(WordTable other)
    {
        foreach (ref readonly Slot slot in other._slots.AsSpan())
        {
            if (slot.Count != 0) Add(other._arena.AsSpan(slot.KeyOffset, slot.Length), slot.Count, slot.FirstPosition);
        }
    }

    /// <summary>
    /// The <paramref name="limit"/> most frequent words, by count descending and ties by first occurrence; every word
    /// when <paramref name="limit"/> is at least <see cref="Count"/>.
    /// </summary>
    public IReadOnlyList<WordCount> Top(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var ranked = new (long Count, long FirstPosition, int Slot)[Count];
        int n = 0;
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Count != 0) ranked[n++] = (_slots[i].Count, _slots[i].FirstPosition, i);
        }
        // First positions are distinct, so this order is total and the result does not depend on the sort's stability.
        Array.Sort(ranked, static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.FirstPosition.CompareTo(b.FirstPosition));
        int take = Math.Min(limit, n);
        var top = new WordCount[take];
        for (int i = 0; i < take; i++)
        {
            ref Slot slot = ref _slots[ranked[i].Slot];
            top[i] = new WordCount(Encoding.UTF8.GetString(_arena, slot.KeyOffset, slot.Length), slot.Count, slot.FirstPosition);
        }
        return top;
    }

    private void Insert(int index, ReadOnlySpan<byte> key, ulong hash, ulong prefix, long count, long firstPosition)
    {
        if (_arena.Length - _arenaUsed < key.Length)
        {
            long wanted = Math.Max((long)_arena.Length * 2, (long)_arenaUsed + key.Length);
            Array.Resize(ref _arena, (int)Math.Min(wanted, Array.MaxLength));
        }
        key.CopyTo(_arena.AsSpan(_arenaUsed));
        _slots[index] = new Slot
        {
            Prefix = prefix, Count = count, FirstPosition = firstPosition,
            KeyOffset = _arenaUsed, Length = key.Length, Hash = hash,
        };
        _arenaUsed += key.Length;
        // Keep at most half the slots in use: linear probing stays short, and doubling amortises.
        if (++Count * 2 > _slots.Length) Grow();
    }

    private void Grow()
    {
        Slot[] old = _slots;
        var slots = new Slot[old.Length * 2];
        int shift = _shift - 1;
        int mask = slots.Length - 1;
        foreach (ref readonly Slot slot in old.AsSpan())
        {
            if (slot.Count == 0) continue;
            int index = (int)(slot.Hash >> shift);
            while (slots[index].Count != 0) index = (index + 1) & mask;
            slots[index] = slot;
        }
        _slots = slots;
        _shift = shift;
    }

    private const ulong Multiplier = 0x9E3779B97F4A7C15; // 2^64 / golden ratio: spreads well for multiplicative hashing

    /// <summary>
    /// A fast hash of the key's bytes that reads them in 8-byte words and never past the span (short keys are read with
    /// overlapping loads), also returning the key's zero-padded first 8 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<byte> key, out ulong prefix)
    {
        ref byte p = ref MemoryMarshal.GetReference(key);
        int length = key.Length;
        ulong h;
        if (length <= 8)
        {
            prefix = LoadShort(ref p, length);
            h = prefix;
        }
        else
        {
            prefix = Unsafe.ReadUnaligned<ulong>(ref p);
            h = prefix;
            int i = 8;
            for (; i + 8 <= length; i += 8)
            {
                h = (h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i))) * Multiplier;
                h = BitOperations.RotateLeft(h, 31);
            }
            if (i < length)
            {
                // The last 8 bytes of the key, shifted so only the bytes not yet read remain.
                ulong last = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, length - 8));
                h = (h ^ (last >> (8 * (8 - (length - i))))) * Multiplier;
            }
        }
        return Spread(h ^ ((ulong)length << 56));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Spread(ulong h)
    {
        h *= Multiplier;
        return h ^ (h >> 32);
    }

    /// <summary>Loads 0..8 bytes as a little-endian, zero-padded word without reading past them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LoadShort(ref byte p, int length)
    {
        if (length >= 4)
        {
            // Two overlapping 4-byte loads: the bytes both cover are the same, so OR puts each byte in its place once.
            ulong low = Unsafe.ReadUnaligned<uint>(ref p);
            ulong high = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, length - 4));
            return low | (high << (8 * (length - 4)));
        }
        if (length >= 2)
        {
            ulong low = Unsafe.ReadUnaligned<ushort>(ref p);
            return length == 2 ? low : low | ((ulong)Unsafe.Add(ref p, 2) << 16);
        }
        return length == 1 ? (ulong)p : 0;
    }
}
