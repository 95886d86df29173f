using System.Text;
using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>
/// The table's own edges: words whose hashes start at the same slot, long words that differ only after the 16 bytes
/// a slot holds, and a vocabulary large enough to make the table grow many times. Each is checked against the reference
/// with one and several threads (so merging is checked too) and with small buffers (so words cross buffer ends).
/// </summary>
public class WordTableTests
{
    private static void AssertMatchesReference(byte[] file)
    {
        var expected = ReferenceWordCounter.Top(file, WordRule.Tutorial, int.MaxValue);
        foreach (int threads in new[] { 1, 2, 5 })
        {
            Assert.Equal(expected, Count.Top(file, threads: threads));
            Assert.Equal(expected, Count.Top(file, threads: threads, bufferSize: 37));
        }
    }

    /// <summary>
    /// Words whose hashes agree in their top <paramref name="bits"/> bits: in a table of up to 2^bits slots they all
    /// start at the same slot, so each lookup walks past the others.
    /// </summary>
    private static List<string> Colliding(Func<int, string> candidate, int count, int bits)
    {
        ulong target = WordTable.HashOf(Encoding.UTF8.GetBytes(candidate(0))) >> (64 - bits);
        var words = new List<string> { candidate(0) };
        for (int i = 1; words.Count < count; i++)
        {
            string word = candidate(i);
            if (WordTable.HashOf(Encoding.UTF8.GetBytes(word)) >> (64 - bits) == target) words.Add(word);
        }
        return words;
    }

    /// <summary>Each word i occurs i + 1 times, in a shuffled order, with punctuation and white space between.</summary>
    private static byte[] Text(IReadOnlyList<string> words, int seed)
    {
        var random = new Random(seed);
        var occurrences = words.SelectMany((w, i) => Enumerable.Repeat(w, i + 1)).OrderBy(_ => random.Next()).ToList();
        string[] separators = [" ", "\n", ", ", "\u00A0", " (", ") "];
        return Encoding.UTF8.GetBytes(string.Join("", occurrences.Select(w => w + separators[random.Next(separators.Length)])));
    }

    [Fact]
    public void ShortWordsThatStartAtTheSameSlotAreCountedApart()
    {
        List<string> words = Colliding(i => $"w{i}", 40, 14);
        AssertMatchesReference(Text(words, 1));
    }

    [Fact]
    public void LongWordsThatDifferOnlyAfterTheirFirstSixteenBytesAreCountedApart()
    {
        // Same first 16 bytes, same length: only the bytes a slot does not hold tell them apart.
        List<string> words = Colliding(i => $"internationalisation-{i:D6}", 30, 12);
        Assert.All(words, w => Assert.Equal(words[0].Length, w.Length));
        AssertMatchesReference(Text(words, 2));
    }

    [Fact]
    public void LongWordsOfEveryLengthAroundSixteenBytesAreExact()
    {
        // Lengths 1..40 of one prefix, so every mask and tail length is used, next to near-equal words.
        var words = new List<string>();
        string stem = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
        for (int n = 1; n <= stem.Length; n++)
        {
            words.Add(stem[..n]);
            words.Add(stem[..(n - 1)] + "é");
        }
        AssertMatchesReference(Text(words, 3));
    }

    public static TheoryData<WordRule> Rules => new(Enum.GetValues<WordRule>());

    [Theory]
    [MemberData(nameof(Rules))]
    public void AVocabularyThatGrowsTheTableManyTimesKeepsEveryCount(WordRule rule)
    {
        // Words of every kind the scanners batch differently: short, long, upper-case and accented (which the letters
        // rule lower-cases into bytes of its own), and a few thousand-letter ones that outgrow the batch's key buffer.
        var random = new Random(4);
        var text = new StringBuilder();
        for (int i = 0; i < 400_000; i++)
        {
            int rank = (int)(200_000 * Math.Pow(random.NextDouble(), 2));
            string word = (rank % 7) switch
            {
                0 => $"word{rank}-with-a-long-tail",
                1 => $"Été{rank}",
                2 when rank % 1000 == 2 => new string('λ', 3000 + rank % 5),
                _ => $"w{rank}",
            };
            text.Append(word).Append(random.Next(5) == 0 ? '\n' : ' ');
        }
        byte[] file = Encoding.UTF8.GetBytes(text.ToString());
        var expected = ReferenceWordCounter.Top(file, rule, int.MaxValue);
        Assert.Equal(expected, Count.Top(file, rule, threads: 1));
        Assert.Equal(expected, Count.Top(file, rule, threads: 3, bufferSize: 4093));
        Assert.Equal(expected.Take(1000), Count.Top(file, rule, threads: 2, limit: 1000));
    }
}
