using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;

namespace BatchWords.Worker;

/// <summary>
/// The tutorial rule on bytes: words are the runs between Unicode white space, with ASCII punctuation stripped from both
/// ends; tokens left empty are dropped; case-sensitive (see <see cref="TokenRules"/>).
/// </summary>
/// <remarks>
/// The hot loop classifies 64 bytes at a time with SIMD into a bit mask of separators and walks the words with
/// trailing-zero counts, so the cost per word is a few bit operations rather than a branch per byte. Multi-byte white
/// space is rare, so it is only looked for in blocks that hold bytes of 0x80 and above, and only at its four possible
/// lead bytes. (128-bit vectors: the NativeAOT baseline for x64 has no AVX2, and the node's CPU is not known.)
/// </remarks>
public sealed class TutorialWordScanner : WordScanner
{
    private const int BatchSize = 64; // enough words for their cache misses to overlap, few enough to stay in L1
    private readonly WordTable.PendingWord[] _batch = new WordTable.PendingWord[BatchSize];

    public override int Scan(byte[] buffer, int length, long bufferPosition, bool isFinal, WordTable table)
    {
        if ((uint)length > (uint)(buffer.Length - Padding)) throw new ArgumentOutOfRangeException(nameof(length));

        // A lead byte whose sequence is cut off by the end of the buffer does not match white space, so it counts as
        // a word byte: its word is then still open at the end and is scanned again, completed, on the next call.
        var words = new Words(this, buffer, bufferPosition, table);
        int tokenStart = -1;        // start of a word still open at the end of the previous block, or -1
        ulong openHigh = 0;         // non-zero when that open word has a byte of 0x80 or above
        ulong carry = 0;            // separator bits of a multi-byte white space that spills into the next block
        ulong previousIsWord = 0;   // 1 when the last byte of the previous block is a word byte
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buffer);

        for (int block = 0; block < length; block += 64)
        {
            ulong separators = Classify(ref Unsafe.Add(ref data, block), out ulong high, out ulong leads) | carry;
            carry = 0;
            int valid = Math.Min(64, length - block);
            ulong validMask = valid == 64 ? ulong.MaxValue : (1UL << valid) - 1;
            high &= validMask;

            for (leads &= validMask; leads != 0; leads &= leads - 1)
            {
                int bit = BitOperations.TrailingZeroCount(leads);
                int at = block + bit;
                int sequence = TokenRules.MultiByteWhiteSpaceLength(buffer.AsSpan(at, Math.Min(3, length - at)));
                if (sequence == 0) continue;
                ulong bits = (1UL << sequence) - 1;
                separators |= bits << bit;
                if (bit + sequence > 64) carry = bits >> (64 - bit);
            }

            // Bit i of starts: a word begins at byte i; bit i of ends: a word ended just before byte i. A word that
            // runs to the end of the block has no end bit here and stays open into the next block.
            ulong word = ~separators & validMask;
            ulong starts = word & ~((word << 1) | previousIsWord);
            ulong ends = ~word & ((word << 1) | previousIsWord) & validMask;
            previousIsWord = word >> 63;

            // A word needs a UTF-8 check only when it has a byte of 0x80 or above, which the high mask tells.
            if (tokenStart >= 0)
            {
                if (ends == 0)
                {
                    openHigh |= high; // the open word fills the block
                }
                else
                {
                    int end = BitOperations.TrailingZeroCount(ends);
                    words.Add(tokenStart, block + end, openHigh | (high & ((1UL << end) - 1)));
                    ends &= ends - 1;
                    tokenStart = -1;
                }
            }
            while (ends != 0)
            {
                int start = BitOperations.TrailingZeroCount(starts);
                int end = BitOperations.TrailingZeroCount(ends);
                words.Add(block + start, block + end, high & (((1UL << end) - 1) ^ ((1UL << start) - 1)));
                starts &= starts - 1;
                ends &= ends - 1;
            }
            if (starts != 0)
            {
                int start = BitOperations.TrailingZeroCount(starts);
                tokenStart = block + start;
                openHigh = high >> start;
            }
        }

        if (tokenStart >= 0 && isFinal) words.Add(tokenStart, length, openHigh);
        words.Flush(); // the caller moves the buffer's bytes next
        return tokenStart >= 0 && !isFinal ? tokenStart : length;
    }

    /// <summary>The words found in one buffer: stripped, checked and batched for the table.</summary>
    private ref struct Words(TutorialWordScanner scanner, byte[] buffer, long bufferPosition, WordTable table)
    {
        private int _pending;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int start, int end, ulong hasHighBytes)
        {
            while (TokenRules.IsAsciiPunctuation(buffer[start]))
            {
                if (++start == end) return;
            }
            while (TokenRules.IsAsciiPunctuation(buffer[end - 1])) end--;

            // Ill-formed bytes decode to U+FFFD, so different bytes can be the same word: count the decoded form.
            if (hasHighBytes != 0 && !Utf8.IsValid(new ReadOnlySpan<byte>(buffer, start, end - start)))
            {
                AddReplaced(start, end);
                return;
            }
            ref WordTable.PendingWord word = ref scanner._batch[_pending];
            word.Start = start;
            word.Length = end - start;
            if (++_pending == BatchSize) Flush();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void AddReplaced(int start, int end)
        {
            Flush(); // words are counted in file order: first occurrences depend on it
            table.Add(TokenRules.ReplaceInvalidUtf8(new ReadOnlySpan<byte>(buffer, start, end - start)), bufferPosition + start);
        }

        public void Flush()
        {
            table.AddBatch(buffer, scanner._batch.AsSpan(0, _pending), bufferPosition);
            _pending = 0;
        }
    }

    /// <summary>
    /// A bit per byte of the 64 at <paramref name="p"/>, set for ASCII white space (09..0D, 20); in
    /// <paramref name="high"/> the bytes of 0x80 and above; and in <paramref name="leads"/> the bytes that may start
    /// multi-byte white space (C2, E1, E2, E3), worked out only when the block has high bytes at all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Classify(ref byte p, out ulong high, out ulong leads)
    {
        Vector128<byte> v0 = Vector128.LoadUnsafe(ref p);
        Vector128<byte> v1 = Vector128.LoadUnsafe(ref p, 16);
        Vector128<byte> v2 = Vector128.LoadUnsafe(ref p, 32);
        Vector128<byte> v3 = Vector128.LoadUnsafe(ref p, 48);
        high = v0.ExtractMostSignificantBits() | ((ulong)v1.ExtractMostSignificantBits() << 16) |
               ((ulong)v2.ExtractMostSignificantBits() << 32) | ((ulong)v3.ExtractMostSignificantBits() << 48);
        leads = high == 0 ? 0 : Leads(v0) | ((ulong)Leads(v1) << 16) | ((ulong)Leads(v2) << 32) | ((ulong)Leads(v3) << 48);
        return WhiteSpace(v0) | ((ulong)WhiteSpace(v1) << 16) | ((ulong)WhiteSpace(v2) << 32) | ((ulong)WhiteSpace(v3) << 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WhiteSpace(Vector128<byte> v) =>
        (Vector128.Equals(v, Vector128.Create((byte)0x20)) |
         Vector128.LessThan(v - Vector128.Create((byte)0x09), Vector128.Create((byte)5))).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Leads(Vector128<byte> v) =>
        (Vector128.Equals(v, Vector128.Create((byte)0xC2)) |
         Vector128.LessThan(v - Vector128.Create((byte)0xE1), Vector128.Create((byte)3))).ExtractMostSignificantBits();
}
