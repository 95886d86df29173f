using System.Buffers;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// The letters rule's keys read from the file: the run of letters and digits that starts at the given offset,
/// lower-cased one code point at a time, as <see cref="LettersWordScanner"/> keys it.
/// </summary>
public sealed class LettersWordKeyReader(ByteSource source, int windowSize) : WordKeyReader(source, windowSize)
{
    private static readonly SearchValues<byte> s_asciiLettersAndDigits =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    public override IEnumerable<ReadOnlyMemory<byte>> ReadKey(long tokenStart, WordExtent extent)
    {
        byte[] window = Rent(WindowSize);
        byte[] output = Rent(WindowSize * MostKeyBytesPerFileByte);
        try
        {
            long position = tokenStart;
            while (true)
            {
                int read = ReadWindow(window, position);
                bool isLast = read < WindowSize;
                int usable = isLast ? read : DecodableLength(window.AsSpan(0, read));
                (int consumed, int written, bool ended) = Lower(window.AsSpan(0, usable), output);
                if (written > 0)
                {
                    if (extent.WordStart < 0) extent.WordStart = tokenStart;
                    yield return output.AsMemory(0, written);
                }
                if (ended || isLast)
                {
                    extent.TokenEnd = position + consumed;
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

    /// <summary>
    /// Lower-cases the letters and digits at the start of <paramref name="bytes"/> into <paramref name="output"/> up to
    /// the first other character (ill-formed bytes included), which ends the word.
    /// </summary>
    private static (int Consumed, int Written, bool Ended) Lower(ReadOnlySpan<byte> bytes, Span<byte> output)
    {
        int i = 0, written = 0;
        while (i < bytes.Length)
        {
            int ascii = bytes[i..].IndexOfAnyExcept(s_asciiLettersAndDigits);
            int run = ascii < 0 ? bytes.Length - i : ascii;
            Ascii.ToLower(bytes.Slice(i, run), output[written..], out int lowered);
            (i, written) = (i + run, written + lowered);
            if (i == bytes.Length) break;
            if (bytes[i] < 0x80) return (i, written, true);
            // A character cut off here is followed in the file by a lead byte (see DecodableLength): it is ill-formed.
            if (Rune.DecodeFromUtf8(bytes[i..], out Rune rune, out int consumed) != OperationStatus.Done || !Rune.IsLetterOrDigit(rune))
            {
                return (i, written, true);
            }
            written += Rune.ToLowerInvariant(rune).EncodeToUtf8(output[written..]);
            i += consumed;
        }
        return (i, written, false);
    }
}
