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
    private int _pending;

    public override int Scan(byte[] buffer, int length, long bufferPosition, bool isFinal, WordTable table)
    {
        if ((uint)length > (uint)(buffer.Length - Padding)) throw new ArgumentOutOfRangeException(nameof(length));

        // A lead byte whose sequence is cut off by the end of the buffer does not match white space, so it counts as
        // a word byte: its word is then still open at the end and is scanned again, completed, on the next call.
        int limit = length;
        int validUntil = ValidUtf8Prefix(buffer, limit);

        int tokenStart = -1;        // start of a word still open at the end of the previous block, or -1
        ulong carry = 0;            // separator bits of a multi-byte white space that spills into the next block
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buffer);

        for (int block = 0; block < limit; block += 64)
        {
            ulong separators = Classify(ref Unsafe.Add(ref data, block), out ulong leads) | carry;
            carry = 0;
            int valid = Math.Min(64, limit - block);
            ulong validMask = valid == 64 ? ulong.MaxValue : (1UL << valid) - 1;

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

            ulong word = ~separators & validMask;
            if (tokenStart >= 0)
            {
                int run = BitOperations.TrailingZeroCount(~word); // the open word's bytes at the start of this block
                if (run >= valid) continue;                        // it goes on past this block
                Emit(buffer, tokenStart, block + run, bufferPosition, validUntil, table);
                tokenStart = -1;
                word &= ~0UL << run;
            }
            while (word != 0)
            {
                int start = BitOperations.TrailingZeroCount(word);
                int end = start + BitOperations.TrailingZeroCount(~(word >> start));
                if (end >= valid)
                {
                    tokenStart = block + start;
                    break;
                }
                Emit(buffer, block + start, block + end, bufferPosition, validUntil, table);
                word &= ~0UL << end;
            }
        }

        if (tokenStart >= 0 && isFinal) Emit(buffer, tokenStart, length, bufferPosition, validUntil, table);
        Flush(buffer, bufferPosition, table); // the caller moves the buffer's bytes next
        return tokenStart >= 0 && !isFinal ? tokenStart : length;
    }

    private void Flush(byte[] buffer, long bufferPosition, WordTable table)
    {
        table.AddBatch(buffer, _batch.AsSpan(0, _pending), bufferPosition);
        _pending = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(byte[] buffer, int start, int end, long bufferPosition, int validUntil, WordTable table)
    {
        while (TokenRules.IsAsciiPunctuation(buffer[start]))
        {
            if (++start == end) return;
        }
        while (TokenRules.IsAsciiPunctuation(buffer[end - 1])) end--;

        // Ill-formed bytes decode to U+FFFD, so different bytes can be the same word: count the decoded form.
        if (end > validUntil && !Utf8.IsValid(new ReadOnlySpan<byte>(buffer, start, end - start)))
        {
            Flush(buffer, bufferPosition, table); // words are counted in file order: first occurrences depend on it
            table.Add(TokenRules.ReplaceInvalidUtf8(new ReadOnlySpan<byte>(buffer, start, end - start)), bufferPosition + start);
            return;
        }
        ref WordTable.PendingWord word = ref _batch[_pending];
        word.Start = start;
        word.Length = end - start;
        if (++_pending == BatchSize) Flush(buffer, bufferPosition, table);
    }

    /// <summary>
    /// A length v such that <c>buffer[0..v)</c> is valid UTF-8 (0 when it is not), so the words inside it need no
    /// check of their own. Trailing bytes of 0x80 and above are left out because the last character may be incomplete.
    /// </summary>
    private static int ValidUtf8Prefix(byte[] buffer, int limit)
    {
        int end = limit;
        while (end > 0 && end > limit - 4 && buffer[end - 1] >= 0x80) end--;
        return Utf8.IsValid(buffer.AsSpan(0, end)) ? end : 0;
    }

    /// <summary>
    /// A bit per byte of the 64 at <paramref name="p"/>, set for ASCII white space (09..0D, 20); and in
    /// <paramref name="leads"/> the bytes that may start multi-byte white space (C2, E1, E2, E3), looked at only when
    /// the block has any byte of 0x80 or above.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Classify(ref byte p, out ulong leads)
    {
        Vector128<byte> v0 = Vector128.LoadUnsafe(ref p);
        Vector128<byte> v1 = Vector128.LoadUnsafe(ref p, 16);
        Vector128<byte> v2 = Vector128.LoadUnsafe(ref p, 32);
        Vector128<byte> v3 = Vector128.LoadUnsafe(ref p, 48);
        leads = 0;
        if (((v0 | v1 | v2 | v3) & Vector128.Create((byte)0x80)) != Vector128<byte>.Zero)
        {
            leads = Leads(v0) | ((ulong)Leads(v1) << 16) | ((ulong)Leads(v2) << 32) | ((ulong)Leads(v3) << 48);
        }
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
