using System.Text;
using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>
/// On random texts the worker's full result (every word, count and order) equals the reference's, for both rules,
/// any buffer size and any number of threads. Seeds are fixed so a failure is reproducible; the seed is in the message.
/// </summary>
public class PropertyTests
{
    private const int Cases = 300;

    // Pieces chosen to hit the rule's edges: every kind of white space, ASCII punctuation, letters whose lower case
    // changes length in UTF-8, supplementary-plane letters and digits, the BOM, U+FFFD, combining marks.
    private static readonly string[] s_pieces =
    [
        " ", "  ", "\t", "\n", "\r\n", "\v", "\f", "\u0085", "\u00A0", "\u1680", "\u2000", "\u2005", "\u200A", "\u2028",
        "\u2029", "\u202F", "\u205F", "\u3000", "\u200B", "\u180E", "\u001C", "\u001F", "\0",
        "!", "\"", "'", "(", ")", ",", "-", ".", ":", ";", "?", "@", "[", "]", "_", "`", "{", "}", "~", "\\", "/",
        "a", "b", "A", "B", "z", "0", "9", "é", "É", "ß", "İ", "ı", "Ω", "ω", "Ⱥ", "ⱥ", "Ɐ", "ǅ", "東", "京", "٣",
        "𝐀", "𝟘", "😀", "\uFEFF", "\uFFFD", "\u0301", "—", "“", "”", "the", "The", "THE", "word", "words",
    ];

    private static readonly byte[] s_biasBytes = [.. " \n\t.,ab"u8, 0xC2, 0xA0, 0x85, 0xE2, 0x80, 0xE3, 0xE1, 0x9A];

    public static TheoryData<WordRule> Rules => new(Enum.GetValues<WordRule>());

    [Theory]
    [MemberData(nameof(Rules))]
    public void RandomBytesMatchTheReference(WordRule rule)
    {
        for (int seed = 0; seed < Cases; seed++)
        {
            var random = new Random(seed);
            byte[] file = new byte[random.Next(0, 400)];
            random.NextBytes(file);
            // Bias towards separators, ASCII and white-space lead bytes, so there are words to count, not one long token.
            for (int i = 0; i < file.Length; i++)
            {
                if (random.Next(3) == 0) file[i] = s_biasBytes[random.Next(s_biasBytes.Length)];
            }
            AssertAgrees(file, rule, seed, random);
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void RandomUnicodeMatchesTheReference(WordRule rule)
    {
        for (int seed = 0; seed < Cases; seed++)
        {
            var random = new Random(1000 + seed);
            var text = new StringBuilder();
            int length = random.Next(0, 200);
            for (int i = 0; i < length; i++)
            {
                text.Append(random.Next(4) switch
                {
                    0 => char.ConvertFromUtf32(RandomScalar(random)),
                    _ => s_pieces[random.Next(s_pieces.Length)],
                });
            }
            byte[] file = Encoding.UTF8.GetBytes(text.ToString());
            if (file.Length > 0 && random.Next(4) == 0) file[random.Next(file.Length)] = (byte)random.Next(0x80, 0x100); // break one sequence
            AssertAgrees(file, rule, seed, random);
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void RandomWordsMatchTheReference(WordRule rule)
    {
        string[] vocabulary = ["a", "b", "the", "The", "of", "and", "naïve", "ΣΊΣΥΦΟΣ", "东京", "x-y", "'q'", "(p)", "𝐀𝐁"];
        string[] separators = [" ", "\n", "\r\n", ", ", ". ", "\u00A0", "\u3000", " -- "];
        for (int seed = 0; seed < Cases; seed++)
        {
            var random = new Random(2000 + seed);
            var text = new StringBuilder(random.Next(2) == 0 ? "\uFEFF" : "");
            int words = random.Next(0, 300);
            for (int i = 0; i < words; i++)
            {
                text.Append(vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 2))]);
                text.Append(separators[random.Next(separators.Length)]);
            }
            AssertAgrees(Encoding.UTF8.GetBytes(text.ToString()), rule, seed, random);
        }
    }

    private static void AssertAgrees(byte[] file, WordRule rule, int seed, Random random)
    {
        var expected = ReferenceWordCounter.Top(file, rule, int.MaxValue);
        int bufferSize = random.Next(3) == 0 ? 1 << 20 : random.Next(1, 40);
        int threads = random.Next(1, 5);
        int limit = random.Next(3) == 0 ? random.Next(0, 5) : int.MaxValue;
        // Pieces of a few bytes, so the threads take many of them, in whatever order they happen to finish.
        long chunkSize = random.Next(2) == 0 ? 4L << 20 : random.Next(1, 64);
        var actual = Count.Top(file, rule, limit, bufferSize, threads, maxRead: random.Next(2) == 0 ? int.MaxValue : random.Next(1, 9), chunkSize);
        if (!expected.Take(limit).SequenceEqual(actual))
        {
            Assert.Fail($"seed {seed}, rule {rule}, buffer {bufferSize}, threads {threads}, chunk {chunkSize}, limit {limit}: bytes {Convert.ToHexString(file)}\n" +
                        $"expected {string.Join(", ", expected.Take(limit))}\nactual   {string.Join(", ", actual)}");
        }
    }

    private static int RandomScalar(Random random)
    {
        while (true)
        {
            int c = random.Next(3) switch { 0 => random.Next(0x80, 0x800), 1 => random.Next(0x800, 0x10000), _ => random.Next(0x10000, 0x110000) };
            if (c is < 0xD800 or > 0xDFFF) return c;
        }
    }
}
