using System.Buffers;

namespace BatchWords.Worker;

/// <summary>Where the word of a token lies in the file; <see cref="WordKeyReader.ReadKey"/> fills it in as it reads.</summary>
public sealed class WordExtent
{
    /// <summary>The offset of the word's first byte (after the punctuation the rule strips), or -1 when the token has no word.</summary>
    public long WordStart { get; internal set; } = -1;

    /// <summary>The offset just after the token: its separator, or the end of the file. Counting goes on from here.</summary>
    public long TokenEnd { get; internal set; }
}

/// <summary>
/// Reads the key of the word a token holds (its bytes as the table counts them: valid UTF-8, lower-cased for the letters
/// rule) straight from the input, one window at a time, in memory that does not grow with the word. This is how words
/// too long to hold are counted (<see cref="WordCounterOptions.LongWordThreshold"/>), told apart and written out.
/// </summary>
/// <remarks>
/// <para>A window is decoded on its own up to a point where decoding the whole file also has a character boundary: a
/// window that is not the last stops before the last byte of 0xC0 or above among its final three (a lead byte is never
/// the continuation of earlier bytes, so a character always starts there), and the next window starts at that byte. A
/// character or a multi-byte white space is therefore never cut, and no state is carried between windows.</para>
/// <para>Instances hold no state between calls: threads share one, each call rents its own buffers.</para>
/// </remarks>
public abstract class WordKeyReader
{
    public const int DefaultWindowSize = 64 * 1024;

    /// <summary>The longest a key can grow compared with its bytes in the file: an ill-formed byte becomes U+FFFD (3 bytes).</summary>
    protected const int MostKeyBytesPerFileByte = 3;

    protected WordKeyReader(ByteSource source, int windowSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 4); // so that a window always has a byte before its cut
        Source = source;
        WindowSize = windowSize;
    }

    protected ByteSource Source { get; }

    protected int WindowSize { get; }

    public static WordKeyReader Create(WordRule rule, ByteSource source, int windowSize = DefaultWindowSize) => rule switch
    {
        WordRule.Tutorial => new TutorialWordKeyReader(source, windowSize),
        WordRule.Letters => new LettersWordKeyReader(source, windowSize),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown word rule."),
    };

    /// <summary>
    /// The key of the word in the token that starts at <paramref name="tokenStart"/> (or of the word that starts there),
    /// in pieces that are never empty and stay valid only until the next one is asked for. None when the token holds no
    /// word (only punctuation). <paramref name="extent"/> is complete once the pieces are.
    /// </summary>
    public abstract IEnumerable<ReadOnlyMemory<byte>> ReadKey(long tokenStart, WordExtent extent);

    /// <summary>True when the words that start at the two offsets have the same key.</summary>
    public bool KeysEqual(long first, long second)
    {
        using IEnumerator<ReadOnlyMemory<byte>> left = ReadKey(first, new WordExtent()).GetEnumerator();
        using IEnumerator<ReadOnlyMemory<byte>> right = ReadKey(second, new WordExtent()).GetEnumerator();
        ReadOnlyMemory<byte> a = default, b = default;
        bool moreA = true, moreB = true;
        while (true)
        {
            if (a.IsEmpty && moreA && (moreA = left.MoveNext())) a = left.Current;
            if (b.IsEmpty && moreB && (moreB = right.MoveNext())) b = right.Current;
            if (a.IsEmpty || b.IsEmpty) return a.IsEmpty && b.IsEmpty;
            int n = Math.Min(a.Length, b.Length);
            if (!a.Span[..n].SequenceEqual(b.Span[..n])) return false;
            a = a[n..];
            b = b[n..];
        }
    }

    /// <summary>
    /// Writes the key of the word that starts at <paramref name="wordStart"/> to <paramref name="destination"/>; throws
    /// <see cref="InputChangedException"/> when it is no longer the <paramref name="expectedLength"/> bytes counted.
    /// </summary>
    public void CopyKey(long wordStart, long expectedLength, Stream destination)
    {
        var extent = new WordExtent();
        long written = 0;
        foreach (ReadOnlyMemory<byte> piece in ReadKey(wordStart, extent))
        {
            written += piece.Length;
            if (written > expectedLength) break;
            destination.Write(piece.Span);
        }
        if (written != expectedLength || extent.WordStart != wordStart)
        {
            throw new InputChangedException($"the word at offset {wordStart} is no longer the {expectedLength} bytes counted: the input changed while it was read");
        }
    }

    /// <summary>Fills the first <see cref="WindowSize"/> bytes of <paramref name="window"/> (a rented array, which may be
    /// longer) from <paramref name="position"/> as far as the file goes; fewer bytes means the end of the file.</summary>
    protected int ReadWindow(byte[] window, long position)
    {
        int filled = 0;
        while (filled < WindowSize)
        {
            int read = Source.ReadAt(window.AsSpan(filled, WindowSize - filled), position + filled);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    /// <summary>How much of a full window (not the end of the file) can be decoded on its own: see the remarks.</summary>
    protected static int DecodableLength(ReadOnlySpan<byte> window)
    {
        for (int i = window.Length - 1; i >= window.Length - 3; i--)
        {
            if (window[i] >= 0xC0) return i;
        }
        return window.Length;
    }

    protected static byte[] Rent(int length) => ArrayPool<byte>.Shared.Rent(length);

    protected static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);
}

/// <summary>The input file is not what was counted any more (it was changed or cut while the worker read it).</summary>
public sealed class InputChangedException(string message) : IOException(message);
