using System.Buffers;
using System.Text;

namespace BatchWords.Worker;

/// <summary>
/// The letters rule: words are maximal runs of Unicode letters and digits (code points for which
/// <see cref="Rune.IsLetterOrDigit(Rune)"/> holds: categories L* and Nd, supplementary planes included), lower-cased
/// one code point at a time with <see cref="Rune.ToLowerInvariant(Rune)"/> (the invariant simple case mapping).
/// Everything else, U+FFFD from ill-formed bytes included, separates words.
/// </summary>
public sealed class LettersWordScanner : WordScanner
{
    // The current word, lower-cased (which may change its UTF-8 length), with the padding WordTable reads past keys.
    private byte[] _key = new byte[256];
    private int _keyLength;

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
                    table.Add(_key, 0, _keyLength, bufferPosition + runStart);
                    runStart = -1;
                }
                i++;
                continue;
            }

            OperationStatus status = Rune.DecodeFromUtf8(buffer.AsSpan(i, length - i), out Rune rune, out int consumed);
            if (status == OperationStatus.NeedMoreData && !isFinal)
            {
                return runStart >= 0 ? runStart : i; // the character is completed by the next buffer
            }
            if (status == OperationStatus.Done && Rune.IsLetterOrDigit(rune))
            {
                if (runStart < 0) (runStart, _keyLength) = (i, 0);
                Append(Rune.ToLowerInvariant(rune));
            }
            else if (runStart >= 0)
            {
                table.Add(_key, 0, _keyLength, bufferPosition + runStart);
                runStart = -1;
            }
            i += consumed; // an ill-formed subpart is skipped whole, as the decoder replaces it with one U+FFFD
        }

        if (runStart >= 0)
        {
            if (!isFinal) return runStart; // the word may go on in the next buffer: it is scanned again from its start
            table.Add(_key, 0, _keyLength, bufferPosition + runStart);
        }
        return length;
    }

    private void Append(byte b)
    {
        if (_key.Length - _keyLength < 1 + WordTable.KeyPadding) Array.Resize(ref _key, _key.Length * 2);
        _key[_keyLength++] = b;
    }

    private void Append(Rune rune)
    {
        if (_key.Length - _keyLength < 4 + WordTable.KeyPadding) Array.Resize(ref _key, _key.Length * 2);
        _keyLength += rune.EncodeToUtf8(_key.AsSpan(_keyLength));
    }
}
