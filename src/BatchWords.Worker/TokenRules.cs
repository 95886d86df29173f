using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// The definitions both word rules are built from, stated once and in terms of UTF-8 bytes, so the fast scanners and the
/// tests' reference implementations (which work on decoded strings) can be checked against the same text.
/// </summary>
/// <remarks>
/// <para>Decoding: UTF-8, every maximal ill-formed subpart becomes one U+FFFD, exactly as
/// <c>new UTF8Encoding(false, false).GetString(bytes)</c> does; one leading U+FEFF (bytes EF BB BF) is dropped.</para>
/// <para>Why the scanners can work on bytes: an ASCII byte always decodes to itself, and a lead byte (C2..F4) is never
/// the continuation of an earlier sequence, so a complete, valid white-space sequence in the bytes is always that white
/// space in the decoded text, and an ill-formed subpart never reaches across one. Cutting the bytes at white space and
/// at ASCII punctuation therefore cuts the decoded text at the same characters, and decoding a cut piece on its own
/// gives the same characters as decoding the whole file.</para>
/// </remarks>
public static class TokenRules
{
    /// <summary>
    /// ASCII punctuation, stripped from both ends of a tutorial token: the printable ASCII characters (0x21..0x7E) that
    /// are not letters or digits, which is Python's <c>string.punctuation</c>: <c>!"#$%&amp;'()*+,-./:;&lt;=&gt;?@[\]^_`{|}~</c>.
    /// </summary>
    public const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>The UTF-8 byte order mark; one at the very start of the file is dropped.</summary>
    public static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    // Per-byte class tables: one lookup instead of a chain of comparisons on the hot path.
    // ASCII punctuation as two 64-bit masks (bytes 0..63 and 64..127): the test the scanner runs on both ends of
    // every word is then a shift and an AND, with no memory load. Constants, so the compiler folds them;
    // TokenRulesTests checks them against AsciiPunctuation.
    private const ulong PunctuationLow = 0xFC00_FFFE_0000_0000;
    private const ulong PunctuationHigh = 0x7800_0001_F800_0001;
    private static readonly bool[] s_asciiLetterOrDigit = BuildTable(b => b < 0x80 && char.IsAsciiLetterOrDigit((char)b));

    /// <summary>True for the bytes of <see cref="AsciiPunctuation"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsAsciiPunctuation(byte b) => b < 128 && (((b < 64 ? PunctuationLow : PunctuationHigh) >> (b & 63)) & 1) != 0;

    /// <summary>True for ASCII letters and digits (the letters rule's ASCII fast path).</summary>
    public static bool IsAsciiLetterOrDigit(byte b) => s_asciiLetterOrDigit[b];

    /// <summary>
    /// The length in bytes (2 or 3) of the multi-byte white-space sequence that starts <paramref name="bytes"/>, or 0 when
    /// it does not start with one (including when the span is too short to hold the whole sequence).
    /// </summary>
    public static int MultiByteWhiteSpaceLength(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2) return 0;
        byte b1 = bytes[1];
        switch (bytes[0])
        {
            case 0xC2:
                return b1 is 0x85 or 0xA0 ? 2 : 0;
            case 0xE1:
                return bytes.Length >= 3 && b1 == 0x9A && bytes[2] == 0x80 ? 3 : 0;
            case 0xE2:
                if (bytes.Length < 3) return 0;
                byte b2 = bytes[2];
                if (b1 == 0x80) return b2 is (>= 0x80 and <= 0x8A) or 0xA8 or 0xA9 or 0xAF ? 3 : 0;
                return b1 == 0x81 && b2 == 0x9F ? 3 : 0;
            case 0xE3:
                return bytes.Length >= 3 && b1 == 0x80 && bytes[2] == 0x80 ? 3 : 0;
            default:
                return 0;
        }
    }

    /// <summary>The length of the BOM at the start of <paramref name="fileStart"/>: 3 or 0.</summary>
    public static int ByteOrderMarkLength(ReadOnlySpan<byte> fileStart) => fileStart.StartsWith(ByteOrderMark) ? 3 : 0;

    /// <summary>
    /// Rewrites an ill-formed UTF-8 token as its decoded text re-encoded (each ill-formed subpart becomes EF BF BD),
    /// so that tokens that decode to the same word count as one word. Encoding.UTF8 decodes with the same
    /// replacement semantics as UTF8Encoding(false, false).
    /// </summary>
    public static byte[] ReplaceInvalidUtf8(ReadOnlySpan<byte> token) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(token));

    private static bool[] BuildTable(Func<int, bool> predicate)
    {
        var table = new bool[256];
        for (int b = 0; b < 256; b++) table[b] = predicate(b);
        return table;
    }
}
