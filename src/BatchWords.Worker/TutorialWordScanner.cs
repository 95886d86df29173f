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
/// <para>A buffer is done in rounds of about a hundred tokens, each in three loops. <see cref="Tokenize"/> classifies 64
/// bytes at a time with SIMD into a bit mask of separators and walks the tokens with trailing-zero counts; a plain
/// token (at most 16 bytes, no punctuation at either end, no byte of 0x80 or above: most of them) is hashed and its
/// table slot prefetched right there, the rest are marked for <see cref="FinishMarked"/>, which strips them, checks their
/// UTF-8 and prepares them. Then <see cref="Count"/> counts the round, by when most slots have
/// arrived. The hot loops make no calls: a call in a loop made the compiler keep most of the loop's values on the
/// stack.</para>
/// <para>Multi-byte white space is rare, so it is only looked for in blocks that hold bytes of 0x80 and above, and only
/// at its four possible lead bytes; such a block is done on its own by <see cref="TokenizeBlockWithLeads"/>. (128-bit
/// vectors: the NativeAOT baseline for x64 has no AVX2, and the node's CPU is not known.)</para>
/// </remarks>
public sealed class TutorialWordScanner : WordScanner
{
    // Tokens per round; a block adds at most 32, so a round stops once fewer than that are free. About a hundred words
    // are enough for their cache misses to overlap, and few enough for the round to stay in L1.
    private const int RoundSize = 128;
    private const int MostTokensPerBlock = 32;
    private readonly WordTable.PendingWord[] _round = new WordTable.PendingWord[RoundSize];

    // How a round's entries are marked besides prepared words (length 1 or more) and dropped tokens (length 0):
    // a token for FinishMarked has the complement of its length (-2 or less); a word with ill-formed UTF-8 has this
    // length and its end in Hash, and is counted in its decoded form.
    private const int IllFormed = int.MinValue;

    /// <summary>Where tokenizing stands between rounds, so each round's loop can keep it in registers.</summary>
    private struct TokenizerState
    {
        public int Block;            // offset of the next 64-byte block to classify
        public int TokenStart;       // start of a token still open at the end of the previous block, or -1
        public ulong Carry;          // separator bits of a multi-byte white space that spills into the next block
        public ulong PreviousIsWord; // 1 when the last byte of the previous block is a word byte
    }

    public override int Scan(byte[] buffer, int length, long bufferPosition, bool isFinal, WordTable table)
    {
        if ((uint)length > (uint)(buffer.Length - Padding)) throw new ArgumentOutOfRangeException(nameof(length));

        var state = new TokenizerState { TokenStart = -1 };
        Span<WordTable.PendingWord> round = _round;
        while (state.Block < length)
        {
            WordTable.Preparer preparer = table.GetPreparer(); // again each round: counting may have grown the table
            int tokens = Tokenize(buffer, length, ref state, round, preparer);
            // Tokenize stops before a block that may hold multi-byte white space; that block is done on its own.
            if (tokens <= RoundSize - MostTokensPerBlock && state.Block < length)
            {
                tokens = TokenizeBlockWithLeads(buffer, length, ref state, round, tokens, preparer);
            }
            FinishMarked(buffer, round[..tokens], preparer);
            Count(buffer, round[..tokens], bufferPosition, table);
        }

        // A lead byte whose sequence is cut off by the end of the buffer does not match white space, so it counts as
        // a word byte: its token is then still open here and is scanned again, completed, on the next call.
        if (state.TokenStart < 0) return length;
        if (!isFinal) return state.TokenStart; // the token may go on in the next buffer: it is scanned again from its start
        round[0] = new WordTable.PendingWord { Start = state.TokenStart, Length = ~(length - state.TokenStart) };
        FinishMarked(buffer, round[..1], table.GetPreparer());
        Count(buffer, round[..1], bufferPosition, table);
        return length;
    }

    /// <summary>
    /// Classifies blocks from <c>state.Block</c> on and writes the tokens that end in them to <paramref name="tokens"/>,
    /// until the end of the data, until another block might not fit, or until a block that may hold multi-byte white
    /// space (which <see cref="TokenizeBlockWithLeads"/> does). A token that runs to the end of the data stays open in
    /// <paramref name="state"/>.
    /// </summary>
    private static int Tokenize(byte[] buffer, int length, ref TokenizerState state, Span<WordTable.PendingWord> tokens, WordTable.Preparer preparer)
    {
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buffer);
        int count = 0;
        int block = state.Block;
        int tokenStart = state.TokenStart;
        ulong previousIsWord = state.PreviousIsWord;
        ulong carry = state.Carry;

        for (; block < length && count <= tokens.Length - MostTokensPerBlock; block += 64)
        {
            ref byte p = ref Unsafe.Add(ref data, block);
            ulong separators = Classify(ref p, out ulong high);
            ulong validMask = length - block >= 64 ? ulong.MaxValue : (1UL << (length - block)) - 1;
            high &= validMask;
            if (high != 0 && (Leads(ref p) & high) != 0) break;
            WalkBlock(ref data, separators | carry, validMask, block, ref tokenStart, ref previousIsWord,
                ref MemoryMarshal.GetReference(tokens), ref count, preparer);
            carry = 0;
        }

        state.Block = block;
        state.TokenStart = tokenStart;
        state.PreviousIsWord = previousIsWord;
        state.Carry = carry;
        return count;
    }

    /// <summary>
    /// Does the one block at <c>state.Block</c> like <see cref="Tokenize"/>, but looks for multi-byte white space at its
    /// possible lead bytes first; the tokens go to <paramref name="tokens"/> after the first <paramref name="count"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int TokenizeBlockWithLeads(byte[] buffer, int length, ref TokenizerState state, Span<WordTable.PendingWord> tokens,
        int count, WordTable.Preparer preparer)
    {
        int block = state.Block;
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buffer);
        ref byte p = ref Unsafe.Add(ref data, block);
        ulong separators = Classify(ref p, out ulong high) | state.Carry;
        ulong validMask = length - block >= 64 ? ulong.MaxValue : (1UL << (length - block)) - 1;
        high &= validMask;
        ulong carry = 0;
        separators |= MultiByteWhiteSpace(buffer, block, length, Leads(ref p) & high, ref carry);
        WalkBlock(ref data, separators, validMask, block, ref state.TokenStart, ref state.PreviousIsWord,
            ref MemoryMarshal.GetReference(tokens), ref count, preparer);
        state.Carry = carry;
        state.Block = block + 64;
        return count;
    }

    /// <summary>
    /// Writes the tokens that end in one block, given its separator mask, and keeps the one that runs past it open.
    /// Tokens are stripped here; a word of at most 16 bytes whose UTF-8 <see cref="IsPlainUtf8"/> vouches for (most
    /// words) is prepared for the table at once, a longer one or one with other high bytes is marked for
    /// <see cref="FinishMarked"/>, and an empty one is dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WalkBlock(ref byte data, ulong separators, ulong validMask, int block, ref int tokenStart,
        ref ulong previousIsWord, ref WordTable.PendingWord tokens, ref int count, WordTable.Preparer preparer)
    {
        ref byte punctuation = ref MemoryMarshal.GetReference(PunctuationTable);

        // Bit i of starts: a token begins at byte i; bit i of ends: a token ended just before byte i. A token that
        // runs to the end of the block has no end bit here and stays open into the next block.
        ulong word = ~separators & validMask;
        ulong starts = word & ~((word << 1) | previousIsWord);
        ulong ends = ~word & ((word << 1) | previousIsWord) & validMask;
        previousIsWord = word >> 63;

        while (true)
        {
            // Every token, the one that began in an earlier block or one inside this block, goes through the one
            // step below: a second copy of it would double the loop's code and its register pressure.
            int start, end;
            if (tokenStart >= 0)
            {
                if (ends == 0) return; // the open token fills the block
                (start, end) = (tokenStart, block + BitOperations.TrailingZeroCount(ends));
                ends &= ends - 1;
                tokenStart = -1;
            }
            else if (ends != 0)
            {
                (start, end) = (block + BitOperations.TrailingZeroCount(starts), block + BitOperations.TrailingZeroCount(ends));
                starts &= starts - 1;
                ends &= ends - 1;
            }
            else
            {
                if (starts != 0) tokenStart = block + BitOperations.TrailingZeroCount(starts);
                return;
            }

            // Strip: punctuation is ASCII, so this never cuts a multi-byte character.
            if ((Unsafe.Add(ref punctuation, Unsafe.Add(ref data, start)) | Unsafe.Add(ref punctuation, Unsafe.Add(ref data, end - 1))) != 0)
            {
                while (start < end && Unsafe.Add(ref punctuation, Unsafe.Add(ref data, start)) != 0) start++;
                while (end > start && Unsafe.Add(ref punctuation, Unsafe.Add(ref data, end - 1)) != 0) end--;
            }
            int length = end - start;
            ref WordTable.PendingWord token = ref Unsafe.Add(ref tokens, count++);
            token.Start = start;
            if ((uint)(length - 1) < 16)
            {
                Vector128<byte> bytes = Vector128.LoadUnsafe(ref Unsafe.Add(ref data, start));
                uint inWord = (1u << length) - 1;
                uint high = bytes.ExtractMostSignificantBits() & inWord;
                if (high == 0 || IsPlainUtf8(bytes, inWord, high))
                {
                    token.Length = length;
                    preparer.PrepareShort(ref token, WordTable.KeepFirst(bytes, length));
                    continue;
                }
            }
            token.Length = length == 0 ? 0 : ~length; // dropped, or marked
        }
    }

    /// <summary>
    /// True when the high bytes of a word (bits <paramref name="high"/> of the bytes selected by
    /// <paramref name="inWord"/>) are all well-formed two-byte sequences: a lead byte C2..DF followed by one continuation
    /// byte 80..BF, and no continuation byte anywhere else. Such bytes are always valid UTF-8 (C0 and C1, the overlong
    /// leads, are left out). False says only "not vouched for": the word then gets the full check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsPlainUtf8(Vector128<byte> bytes, uint inWord, uint high)
    {
        uint continuations = Vector128.LessThan(bytes.AsSByte(), Vector128.Create(unchecked((sbyte)0xC0))).ExtractMostSignificantBits() & inWord;
        uint leads = Vector128.LessThan(bytes - Vector128.Create((byte)0xC2), Vector128.Create((byte)(0xDF - 0xC2 + 1))).ExtractMostSignificantBits() & inWord;
        return high == (continuations | leads) && continuations == leads << 1;
    }

    /// <summary>
    /// Strips, checks and prepares the tokens <see cref="WalkBlock"/> marked (the complement of their length in
    /// <c>Length</c>): a token left empty is dropped, one with ill-formed UTF-8 is marked <see cref="IllFormed"/>.
    /// </summary>
    private static void FinishMarked(byte[] buffer, Span<WordTable.PendingWord> tokens, WordTable.Preparer preparer)
    {
        for (int i = NextMarked(tokens, 0); i < tokens.Length; i = NextMarked(tokens, i + 1))
        {
            ref WordTable.PendingWord token = ref tokens[i];
            (int start, int end) = Strip(buffer, token.Start, token.Start + ~token.Length);
            if (start == end)
            {
                token.Length = 0;
            }
            else if (!Utf8.IsValid(new ReadOnlySpan<byte>(buffer, start, end - start)))
            {
                // Ill-formed bytes decode to U+FFFD, so different bytes can be the same word: it is counted decoded.
                (token.Start, token.Length, token.Hash) = (start, IllFormed, (ulong)end);
            }
            else
            {
                (token.Start, token.Length) = (start, end - start);
                preparer.Prepare(ref token, ref buffer[start]);
            }
        }
    }

    /// <summary>The index of the first token from <paramref name="i"/> on that is marked, or the end.</summary>
    private static int NextMarked(Span<WordTable.PendingWord> tokens, int i)
    {
        ref WordTable.PendingWord first = ref MemoryMarshal.GetReference(tokens);
        while (i < tokens.Length && Unsafe.Add(ref first, i).Length >= 0) i++;
        return i;
    }

    /// <summary>Counts a round in order: the table counts prepared words, and words with ill-formed bytes are counted here.</summary>
    private static void Count(byte[] buffer, Span<WordTable.PendingWord> words, long bufferPosition, WordTable table)
    {
        for (int i = 0; ; i++)
        {
            i = table.CountPresent(words, i);
            if (i == words.Length) return;
            ref WordTable.PendingWord word = ref words[i];
            if (word.Length == IllFormed)
            {
                ReadOnlySpan<byte> bytes = new ReadOnlySpan<byte>(buffer, word.Start, (int)word.Hash - word.Start);
                table.Add(TokenRules.ReplaceInvalidUtf8(bytes), bufferPosition + word.Start);
            }
            else
            {
                table.AddPrepared(buffer, ref word, bufferPosition + word.Start);
            }
        }
    }

    /// <summary>The token <c>[start, end)</c> without the ASCII punctuation at its ends; empty when nothing else is left.</summary>
    private static (int Start, int End) Strip(byte[] buffer, int start, int end)
    {
        while (start < end && TokenRules.IsAsciiPunctuation(buffer[start])) start++;
        while (end > start && TokenRules.IsAsciiPunctuation(buffer[end - 1])) end--;
        return (start, end);
    }

    /// <summary>
    /// The separator bits of the multi-byte white space in the block at <paramref name="block"/>, found at its possible
    /// lead bytes (C2, E1, E2, E3; bits of <paramref name="leads"/>); the bits of one that runs past the block go to
    /// <paramref name="carry"/>.
    /// </summary>
    private static ulong MultiByteWhiteSpace(byte[] buffer, int block, int length, ulong leads, ref ulong carry)
    {
        ulong separators = 0;
        for (; leads != 0; leads &= leads - 1)
        {
            int bit = BitOperations.TrailingZeroCount(leads);
            int at = block + bit;
            int sequence = TokenRules.MultiByteWhiteSpaceLength(buffer.AsSpan(at, Math.Min(3, length - at)));
            if (sequence == 0) continue;
            ulong bits = (1UL << sequence) - 1;
            separators |= bits << bit;
            if (bit + sequence > 64) carry = bits >> (64 - bit);
        }
        return separators;
    }

    /// <summary>1 for the bytes of <see cref="TokenRules.AsciiPunctuation"/>, 0 for every other byte.</summary>
    private static ReadOnlySpan<byte> PunctuationTable =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 00..1F
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, // 20..3F
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, // 40..5F
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, // 60..7F
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 80..9F
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // A0..BF
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // C0..DF
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // E0..FF
    ];

    /// <summary>The punctuation table as the tests see it: true where it has a 1.</summary>
    internal static bool IsPunctuationByTable(byte b) => PunctuationTable[b] != 0;

    /// <summary>
    /// A bit per byte of the 64 at <paramref name="p"/>, set for ASCII white space (09..0D, 20); in
    /// <paramref name="high"/> the bytes of 0x80 and above.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Classify(ref byte p, out ulong high)
    {
        Vector128<byte> v0 = Vector128.LoadUnsafe(ref p);
        Vector128<byte> v1 = Vector128.LoadUnsafe(ref p, 16);
        Vector128<byte> v2 = Vector128.LoadUnsafe(ref p, 32);
        Vector128<byte> v3 = Vector128.LoadUnsafe(ref p, 48);
        high = v0.ExtractMostSignificantBits() | ((ulong)v1.ExtractMostSignificantBits() << 16) |
               ((ulong)v2.ExtractMostSignificantBits() << 32) | ((ulong)v3.ExtractMostSignificantBits() << 48);
        return WhiteSpace(v0) | ((ulong)WhiteSpace(v1) << 16) | ((ulong)WhiteSpace(v2) << 32) | ((ulong)WhiteSpace(v3) << 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WhiteSpace(Vector128<byte> v) =>
        (Vector128.Equals(v, Vector128.Create((byte)0x20)) |
         Vector128.LessThan(v - Vector128.Create((byte)0x09), Vector128.Create((byte)5))).ExtractMostSignificantBits();

    /// <summary>The bytes of the 64 at <paramref name="p"/> that may start multi-byte white space (C2, E1, E2, E3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Leads(ref byte p) =>
        Leads(Vector128.LoadUnsafe(ref p)) | ((ulong)Leads(Vector128.LoadUnsafe(ref p, 16)) << 16) |
        ((ulong)Leads(Vector128.LoadUnsafe(ref p, 32)) << 32) | ((ulong)Leads(Vector128.LoadUnsafe(ref p, 48)) << 48);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Leads(Vector128<byte> v) =>
        (Vector128.Equals(v, Vector128.Create((byte)0xC2)) |
         Vector128.LessThan(v - Vector128.Create((byte)0xE1), Vector128.Create((byte)3))).ExtractMostSignificantBits();
}
