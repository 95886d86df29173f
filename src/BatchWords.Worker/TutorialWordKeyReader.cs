using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BatchWords.Worker;

/// <summary>
/// The tutorial rule's keys read from the file: the token runs to the next Unicode white space, the word is the token
/// without the ASCII punctuation at its ends, and ill-formed UTF-8 becomes U+FFFD (EF BF BD), as the table keys it.
/// </summary>
/// <remarks>
/// Trailing punctuation belongs to the word only if a word byte follows it before the token ends, which a window cannot
/// know; so a run of punctuation at the end of a window is held back as a file range, and read again (it may be long:
/// only its offsets are kept) when a word byte shows it was inside the word.
/// </remarks>
public sealed class TutorialWordKeyReader(ByteSource source, int windowSize) : WordKeyReader(source, windowSize)
{
    private static readonly SearchValues<byte> s_punctuation = SearchValues.Create(Encoding.ASCII.GetBytes(TokenRules.AsciiPunctuation));

    // ASCII white space and the lead bytes of the multi-byte white space, which then get the full check.
    private static readonly SearchValues<byte> s_whiteSpaceStarts = SearchValues.Create([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xC2, 0xE1, 0xE2, 0xE3]);

    public override IEnumerable<ReadOnlyMemory<byte>> ReadKey(long tokenStart, WordExtent extent)
    {
        byte[] window = Rent(WindowSize);
        byte[] output = Rent(WindowSize * MostKeyBytesPerFileByte);
        try
        {
            long position = tokenStart; // the file offset of window[0]
            long heldBack = -1;         // the offset of punctuation after the last word byte, not yet known to be in the word
            extent.WordStart = -1;
            while (true)
            {
                int read = ReadWindow(window, position);
                bool isLast = read < WindowSize;
                int usable = isLast ? read : DecodableLength(window.AsSpan(0, read));
                int whiteSpace = FindWhiteSpace(window.AsSpan(0, usable));
                int tokenEnd = whiteSpace >= 0 ? whiteSpace : usable; // of the token's bytes in this window

                int from = 0;
                if (extent.WordStart < 0)
                {
                    int first = window.AsSpan(0, tokenEnd).IndexOfAnyExcept(s_punctuation);
                    from = first >= 0 ? first : tokenEnd;
                    if (first >= 0) extent.WordStart = position + first;
                }
                if (from < tokenEnd)
                {
                    int last = window.AsSpan(from, tokenEnd - from).LastIndexOfAnyExcept(s_punctuation);
                    if (last >= 0)
                    {
                        if (heldBack >= 0)
                        {
                            foreach (ReadOnlyMemory<byte> punctuation in Reread(heldBack, position + from, output)) yield return punctuation;
                            heldBack = -1;
                        }
                        int wordEnd = from + last + 1;
                        ReadOnlySpan<byte> bytes = window.AsSpan(from, wordEnd - from);
                        yield return Utf8.IsValid(bytes)
                            ? window.AsMemory(from, wordEnd - from)
                            : output.AsMemory(0, ReplaceIllFormed(window.AsSpan(from, wordEnd - from), output));
                        if (wordEnd < tokenEnd) heldBack = position + wordEnd;
                    }
                    else if (heldBack < 0)
                    {
                        heldBack = position + from;
                    }
                }

                if (whiteSpace >= 0 || isLast)
                {
                    extent.TokenEnd = position + tokenEnd;
                    yield break;
                }
                position += usable;
            }
        }
        finally
        {
            Return(window);
            Return(output);
        }
    }

    /// <summary>The bytes [<paramref name="start"/>, <paramref name="end"/>) again, through <paramref name="buffer"/>: held-back punctuation, ASCII, so its own key.</summary>
    private IEnumerable<ReadOnlyMemory<byte>> Reread(long start, long end, byte[] buffer)
    {
        while (start < end)
        {
            int read = Source.ReadAt(buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - start)), start);
            if (read == 0) throw new InputChangedException($"the input ended at offset {start}, inside a word it held when it was counted");
            yield return buffer.AsMemory(0, read);
            start += read;
        }
    }

    /// <summary>The offset of the first white space in <paramref name="bytes"/>, or -1; a multi-byte one must be whole.</summary>
    private static int FindWhiteSpace(ReadOnlySpan<byte> bytes)
    {
        int from = 0;
        while (true)
        {
            int found = bytes[from..].IndexOfAny(s_whiteSpaceStarts);
            if (found < 0) return -1;
            int at = from + found;
            if (bytes[at] < 0x80 || TokenRules.MultiByteWhiteSpaceLength(bytes[at..]) > 0) return at;
            from = at + 1;
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> decoded on their own with every ill-formed subpart replaced by U+FFFD, re-encoded,
    /// to <paramref name="output"/> (room for three bytes per byte); returns the length. The same replacement as
    /// <see cref="TokenRules.ReplaceInvalidUtf8"/>, without the string.
    /// </summary>
    internal static int ReplaceIllFormed(ReadOnlySpan<byte> bytes, Span<byte> output)
    {
        int written = 0;
        while (!bytes.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed);
            written += status == OperationStatus.Done ? rune.EncodeToUtf8(output[written..]) : Rune.ReplacementChar.EncodeToUtf8(output[written..]);
            bytes = bytes[consumed..];
        }
        return written;
    }
}
