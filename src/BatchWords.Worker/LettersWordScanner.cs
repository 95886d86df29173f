using System.Buffers;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// The letters rule: words are maximal runs of Unicode letters and digits (code points for which
/// <see cref="Rune.IsLetterOrDigit(Rune)"/> holds: categories L* and Nd, supplementary planes included), lower-cased
/// one code point at a time with <see cref="Rune.ToLowerInvariant(Rune)"/> (the invariant simple case mapping).
/// Everything else, U+FFFD from ill-formed bytes included, separates words.
/// </summary>
/// <remarks>
/// Lower-casing can change a word's bytes, so keys are built in a buffer of their own, one after the other, and counted
/// a batch at a time: prepared (hashed, their table slots prefetched) and then counted, so that the slots' cache misses
/// overlap rather than come one after the other.
/// </remarks>
public sealed class LettersWordScanner : WordScanner
{
    private const int BatchSize = 128;

    // The batch's keys, lower-cased (which may change their UTF-8 length), one after the other; the current word is
    // built after the last of them. WordTable reads up to KeyPadding bytes past a key, so that much room is kept.
    private byte[] _keys = new byte[4096];
    private int _keysUsed;   // bytes of finished keys of the batch
    private int _keyLength;  // bytes of the current word so far, at _keys[_keysUsed..]
    private readonly WordTable.PendingWord[] _batch = new WordTable.PendingWord[BatchSize];
    private readonly long[] _positions = new long[BatchSize]; // each batch word's offset in the file
    private int _pending;

    public override int Scan(byte[] buffer, int length, long bufferPosition, bool isFinal, WordTable table)
    {
        int runStart = -1;
        int i = 0;
        while (i < length)
        {
            byte b = buffer[i];
            if (b < 0x80)
            {
                if (TokenRules.IsAsciiLetterOrDigit(b))
                {
                    if (runStart < 0) (runStart, _keyLength) = (i, 0);
                    Append(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b);
                }
                else if (runStart >= 0)
                {
                    AddWord(bufferPosition + runStart, table);
                    runStart = -1;
                }
                i++;
                continue;
            }

            OperationStatus status = Rune.DecodeFromUtf8(buffer.AsSpan(i, length - i), out Rune rune, out int consumed);
            if (status == OperationStatus.NeedMoreData && !isFinal)
            {
                Flush(table);
                return runStart >= 0 ? runStart : i; // the character is completed by the next buffer
            }
            if (status == OperationStatus.Done && Rune.IsLetterOrDigit(rune))
            {
                if (runStart < 0) (runStart, _keyLength) = (i, 0);
                Append(Rune.ToLowerInvariant(rune));
            }
            else if (runStart >= 0)
            {
                AddWord(bufferPosition + runStart, table);
                runStart = -1;
            }
            i += consumed; // an ill-formed subpart is skipped whole, as the decoder replaces it with one U+FFFD
        }

        if (runStart >= 0)
        {
            if (!isFinal)
            {
                Flush(table);
                return runStart; // the word may go on in the next buffer: it is scanned again from its start
            }
            AddWord(bufferPosition + runStart, table);
        }
        Flush(table);
        return length;
    }

    /// <summary>Ends the current word: it joins the batch.</summary>
    private void AddWord(long position, WordTable table)
    {
        _batch[_pending] = new WordTable.PendingWord { Start = _keysUsed, Length = _keyLength };
        _positions[_pending] = position;
        _keysUsed += _keyLength;
        if (++_pending == BatchSize) Flush(table);
    }

    /// <summary>Counts the batch in order: prepares every word, then counts them.</summary>
    private void Flush(WordTable table)
    {
        Span<WordTable.PendingWord> words = _batch.AsSpan(0, _pending);
        WordTable.Preparer preparer = table.GetPreparer();
        foreach (ref WordTable.PendingWord word in words) preparer.Prepare(ref word, ref _keys[word.Start]);
        for (int i = 0; ; i++)
        {
            i = table.CountPresent(words, i);
            if (i == words.Length) break;
            table.AddPrepared(_keys, ref words[i], _positions[i]);
        }
        _pending = 0;
        _keysUsed = 0;
    }

    private void Append(byte b)
    {
        if (_keys.Length - _keysUsed - _keyLength < 1 + WordTable.KeyPadding) Array.Resize(ref _keys, _keys.Length * 2);
        _keys[_keysUsed + _keyLength++] = b;
    }

    private void Append(Rune rune)
    {
        if (_keys.Length - _keysUsed - _keyLength < 4 + WordTable.KeyPadding) Array.Resize(ref _keys, _keys.Length * 2);
        _keyLength += rune.EncodeToUtf8(_keys.AsSpan(_keysUsed + _keyLength));
    }
}
