using System.Runtime.Intrinsics;
using System.Text.Unicode;
using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>
/// The tutorial scanner's fast path takes a word of up to 16 bytes straight to the table when its high bytes are
/// two-byte sequences it can vouch for without the full UTF-8 check. It must never vouch for ill-formed bytes, and words
/// on either side of its limits (16 bytes, two-byte sequences, punctuation at the ends) must count as the reference says.
/// </summary>
public class ScannerFastPathTests
{
    /// <summary>What the scanner asks of <see cref="TutorialWordScanner.IsPlainUtf8"/> for the first n bytes of a window.</summary>
    private static bool Vouches(byte[] window, int n)
    {
        var bytes = Vector128.Create(window);
        uint inWord = (1u << n) - 1;
        uint high = bytes.ExtractMostSignificantBits() & inWord;
        return high == 0 || TutorialWordScanner.IsPlainUtf8(bytes, inWord, high);
    }

    [Fact]
    public void ItNeverVouchesForIllFormedBytesAndVouchesForEveryTwoByteSequence()
    {
        byte[] window = new byte[16];
        for (int position = 0; position < 16; position++)
        {
            for (int b0 = 0x80; b0 < 0x100; b0++)
            {
                for (int b1 = 0; b1 < 0x100; b1++)
                {
                    window.AsSpan().Fill((byte)'a');
                    window[position] = (byte)b0;
                    if (position < 15) window[position + 1] = (byte)b1;
                    for (int n = position + 1; n <= 16; n++)
                    {
                        bool valid = Utf8.IsValid(window.AsSpan(0, n));
                        bool vouched = Vouches(window, n);
                        if (vouched && !valid) Assert.Fail($"vouched for ill-formed {Convert.ToHexString(window, 0, n)}");
                        bool twoByte = b0 is >= 0xC2 and <= 0xDF && b1 is >= 0x80 and <= 0xBF && n >= position + 2 && position < 15;
                        if (twoByte && !vouched) Assert.Fail($"did not vouch for {Convert.ToHexString(window, 0, n)}");
                    }
                }
            }
        }
    }

    [Fact]
    public void ItNeverVouchesForLongerOrBrokenSequences()
    {
        // Three-byte leads with any two high bytes after them, at the end of the window and before ASCII.
        byte[] window = new byte[16];
        byte[] thirds = [0x00, 0x41, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xF0, 0xFF];
        for (int b0 = 0x80; b0 < 0x100; b0++)
        {
            for (int b1 = 0x80; b1 < 0x100; b1++)
            {
                foreach (byte b2 in thirds)
                {
                    foreach (int position in new[] { 0, 7, 13 })
                    {
                        window.AsSpan().Fill((byte)'z');
                        (window[position], window[position + 1], window[position + 2]) = ((byte)b0, (byte)b1, b2);
                        for (int n = position + 1; n <= 16; n++)
                        {
                            if (Vouches(window, n) && !Utf8.IsValid(window.AsSpan(0, n))) Assert.Fail($"vouched for ill-formed {Convert.ToHexString(window, 0, n)}");
                        }
                    }
                }
            }
        }
    }

    public static TheoryData<int> BufferSizes => new([1, 7, 16, 17, 64, 1 << 20]);

    [Theory]
    [MemberData(nameof(BufferSizes))]
    public void WordsAtTheFastPathsLimitsCountAsTheReferenceSays(int bufferSize)
    {
        byte[][] pieces =
        [
            "café"u8.ToArray(), "Ünïcödé"u8.ToArray(), "ünïcödéünïcödé"u8.ToArray(), "ünïcödéünïcödéx"u8.ToArray(),
            "abcdefghijklmnoé"u8.ToArray(), "abcdefghijklmnopé"u8.ToArray(), "abcdefghijklmné"u8.ToArray(),
            "tasks—processing"u8.ToArray(), "a—b"u8.ToArray(), "東京"u8.ToArray(), "𝐀𝐁"u8.ToArray(),
            [(byte)'x', 0xC3], [0xC3, (byte)'x'], [(byte)'x', 0xA9, (byte)'y'], [0xC3, 0xC3, 0xA9], [0xC0, 0x80], [0xC1, 0xBF],
            [0xE2, 0x80], [(byte)'q', 0xE2, 0x80, 0x94], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3, 0xA9, 0xA9],
            [.. "abcdefghijklmno"u8, 0xC3], [.. "abcdefghijklmn"u8, 0xC3, 0xA9], [.. "abcdefghijklmno"u8, 0xC3, 0xA9],
        ];
        string[] around = ["", "\"", "(", "),", ".", "...", "'"];
        string[] separators = [" ", "\n", "\u00A0", "\u3000", "\r\n"];
        var random = new Random(bufferSize);
        var file = new List<byte>();
        for (int i = 0; i < 3000; i++)
        {
            file.AddRange(System.Text.Encoding.UTF8.GetBytes(around[random.Next(around.Length)]));
            file.AddRange(pieces[random.Next(pieces.Length)]);
            file.AddRange(System.Text.Encoding.UTF8.GetBytes(around[random.Next(around.Length)]));
            file.AddRange(System.Text.Encoding.UTF8.GetBytes(separators[random.Next(separators.Length)]));
        }
        byte[] bytes = [.. file];
        var expected = ReferenceWordCounter.Top(bytes, WordRule.Tutorial, int.MaxValue);
        Assert.Equal(expected, Count.Top(bytes, bufferSize: bufferSize));
        Assert.Equal(expected, Count.Top(bytes, bufferSize: bufferSize, threads: 3));
    }
}
