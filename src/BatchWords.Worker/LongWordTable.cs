using System.Runtime.InteropServices;

namespace BatchWords.Worker;

/// <summary>
/// Counts the words too long to hold (<see cref="WordCounterOptions.LongWordThreshold"/>) without their bytes: each is
/// kept as its key's length, a 128-bit hash of the key (<see cref="LongWordHasher"/>), its count and its first offset,
/// 48 bytes whatever its length. Two long words are the same word only when their keys, re-read from the file, are
/// equal, so the count is exact whatever the hash does; a hash collision costs one comparison.
/// </summary>
/// <remarks>
/// A word of 1 GB is one entry; re-reading happens only when a long word comes again (or is in two threads' tables) and
/// reads both occurrences once.
/// </remarks>
internal sealed class LongWordTable(WordKeyReader keys, bool collideHashes = false)
{
    internal struct Entry
    {
        public UInt128 Hash;
        public long Length;
        public long Count;
        public long FirstPosition;
        public int Next; // the next entry with the same hash and length (different bytes), or -1
    }

    private Dictionary<(UInt128 Hash, long Length), int>? _firstByKey; // made when the first long word comes
    private readonly List<Entry> _entries = [];

    /// <summary>The number of distinct long words.</summary>
    public int Count => _entries.Count;

    public long TotalWords
    {
        get
        {
            long total = 0;
            foreach (Entry entry in _entries) total += entry.Count;
            return total;
        }
    }

    public Entry this[int index] => _entries[index];

    /// <summary>Counts <paramref name="count"/> occurrences of the word whose key has <paramref name="hash"/> and
    /// <paramref name="length"/> and which occurs at <paramref name="position"/>.</summary>
    public void Add(UInt128 hash, long length, long count, long position)
    {
        if (collideHashes) hash = 0; // tests: every long word of a length meets the others, so only the comparison tells them apart
        _firstByKey ??= [];
        ref int first = ref CollectionsMarshal.GetValueRefOrAddDefault(_firstByKey, (hash, length), out bool exists);
        if (!exists)
        {
            first = Append(hash, length, count, position);
            return;
        }
        Span<Entry> entries = CollectionsMarshal.AsSpan(_entries);
        int last = first;
        for (int i = first; i >= 0; i = entries[i].Next)
        {
            ref Entry entry = ref entries[i];
            if (entry.FirstPosition == position || keys.KeysEqual(entry.FirstPosition, position))
            {
                entry.Count += count;
                // A merge can bring an earlier first occurrence.
                if (position < entry.FirstPosition) entry.FirstPosition = position;
                return;
            }
            last = i;
        }
        int added = Append(hash, length, count, position);
        CollectionsMarshal.AsSpan(_entries)[last].Next = added;
    }

    /// <summary>Adds every long word of <paramref name="other"/>: counts add up, the earlier first occurrence wins.</summary>
    public void Merge(LongWordTable other)
    {
        foreach (Entry entry in other._entries) Add(entry.Hash, entry.Length, entry.Count, entry.FirstPosition);
    }

    private int Append(UInt128 hash, long length, long count, long position)
    {
        _entries.Add(new Entry { Hash = hash, Length = length, Count = count, FirstPosition = position, Next = -1 });
        return _entries.Count - 1;
    }
}
