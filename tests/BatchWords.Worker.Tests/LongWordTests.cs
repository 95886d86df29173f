using System.Text;
using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>
/// Words longer than the long-word threshold are counted without being held (by hash and length, compared by reading
/// the file again) and written by reading them again: on random files that mix them with short words, across buffer,
/// window and piece boundaries, with one thread and several, the result is the reference's. Thresholds, windows,
/// buffers and pieces are a few bytes here so that every boundary falls inside long words; seeds are fixed and in the
/// failure message.
/// </summary>
public class LongWordTests
{
    private const int Cases = 150;

    // Short words and separators, including multi-byte white space that can fall on a window's edge.
    private static readonly string[] s_shortPieces = ["a", "The", "the", "é", "東京", "x1", "--", "(b)", "it's", "\uFFFD", "Ω"];
    private static readonly string[] s_separators = [" ", "\n", "\r\n", "\t", "\u00A0", "\u3000", "\u2028", "\u0085", "  "];

    // What long words are made of, per rule: for the tutorial rule anything that is not white space (punctuation, NUL,
    // ill-formed bytes, multi-byte characters, the lead bytes of white space); for the letters rule mostly letters and
    // digits, whose lower case may change length (İ, Ⱥ), with now and then a character that ends the word.
    private static readonly byte[][] s_tutorialUnits =
    [
        "a"u8.ToArray(), "b"u8.ToArray(), "Z"u8.ToArray(), "!"u8.ToArray(), "."u8.ToArray(), "'"u8.ToArray(), [0x00],
        "é"u8.ToArray(), "東"u8.ToArray(), "😀"u8.ToArray(), [0xFF], [0xE2, 0x80], [0xC2], [0xE3, 0x80, 0x81], [0xF0, 0x9F],
        "\u2013"u8.ToArray(), [0xC2, 0xA9],
    ];

    private static readonly byte[][] s_lettersUnits =
    [
        "a"u8.ToArray(), "B"u8.ToArray(), "z"u8.ToArray(), "7"u8.ToArray(), "é"u8.ToArray(), "É"u8.ToArray(), "İ"u8.ToArray(),
        "Ⱥ"u8.ToArray(), "東"u8.ToArray(), "𝐀"u8.ToArray(), "٣"u8.ToArray(), "ß"u8.ToArray(), "-"u8.ToArray(), [0xFF],
    ];

    public static TheoryData<WordRule, bool> RulesAndHashes => new()
    {
        { WordRule.Tutorial, false }, { WordRule.Tutorial, true }, { WordRule.Letters, false }, { WordRule.Letters, true },
    };

    [Theory]
    [MemberData(nameof(RulesAndHashes))]
    public void LongWordsMixedWithShortOnesMatchTheReference(WordRule rule, bool collideHashes)
    {
        int longWordsSeen = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var random = new Random((collideHashes ? 50_000 : 0) + seed);
            int threshold = random.Next(4, 25);
            byte[] file = MixedFile(random, rule, threshold);
            var expected = ReferenceWordCounter.Top(file, rule, int.MaxValue);
            var options = new WordCounterOptions
            {
                Rule = rule,
                LongWordThreshold = threshold,
                LongWordWindowSize = random.Next(4, 40),
                BufferSize = random.Next(1, 3 * threshold),
                Threads = random.Next(3) == 0 ? 1 : random.Next(2, 5),
                ChunkSize = random.Next(1, 200),
                CollideLongWordHashes = collideHashes,
            };
            var actual = Count.TopCounts(file, options, maxRead: random.Next(2) == 0 ? int.MaxValue : random.Next(1, 9));
            Assert.True(expected.SequenceEqual(actual.Select(w => (w.Text, w.Count.Count))),
                $"seed {seed}, {options}: expected [{Describe(expected)}], got [{Describe(actual.Select(w => (w.Text, w.Count.Count)))}]");
            Assert.All(actual, w => Assert.Equal(Encoding.UTF8.GetByteCount(w.Text) > threshold, w.Count.Word is null));
            longWordsSeen += actual.Count(w => w.Count.Word is null);
        }
        Assert.True(longWordsSeen > Cases, $"only {longWordsSeen} long words in {Cases} files: the generator no longer makes them");
    }

    [Fact]
    public void LongWordsOfOneLengthThatDifferInOneByteAreDifferentWords()
    {
        // Same length and, with colliding hashes, the same hash: only reading them again tells them apart.
        string a = new('a', 5000), b = new string('a', 4999) + "b", c = "b" + new string('a', 4999);
        byte[] file = Encoding.UTF8.GetBytes($"{a} {b} {c} {a}\n{b} {a}");
        foreach (bool collide in new[] { false, true })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var options = new WordCounterOptions { LongWordThreshold = 100, BufferSize = 64, Threads = threads, ChunkSize = 3000, CollideLongWordHashes = collide };
                Assert.Equal([(a, 3), (b, 2), (c, 1)], Count.Top(file, options));
            }
        }
    }

    [Fact]
    public void ALongTokenOfPunctuationAroundAShortWordCountsAsThatWord()
    {
        // The token is far longer than the buffer and is read from the file, but its word is short: it is the same word
        // as the "word" counted from the buffer, and is held like it.
        byte[] file = Encoding.UTF8.GetBytes("word " + new string('!', 10_000) + "word" + new string('?', 10_000) + " " + new string('-', 30_000) + " word");
        var options = new WordCounterOptions { LongWordThreshold = 16, BufferSize = 16, LongWordWindowSize = 7 };
        var top = Count.TopCounts(file, options);
        Assert.Equal([("word", 3L)], top.Select(w => (w.Text, w.Count.Count)));
        Assert.NotNull(top[0].Count.Word);
        Assert.Equal(0, top[0].Count.FirstPosition);
    }

    [Fact]
    public void TheWriterWritesLongWordsReadAgainFromTheInput()
    {
        byte[] file = [.. Encoding.UTF8.GetBytes("short " + new string('x', 300) + "!! short "), 0xFF, .. Encoding.UTF8.GetBytes(new string('Ω', 200) + ", " + new string('x', 300))];
        var source = new MemoryByteSource(file);
        var options = new WordCounterOptions { LongWordThreshold = 64, BufferSize = 32, LongWordWindowSize = 16 };
        IReadOnlyList<WordCount> top = WordCounter.Count(source, options).Top(10);
        Assert.Equal(2, top.Count(w => w.Word is null));

        using var output = new MemoryStream();
        TopWordsWriter.Write(output, top, name => name == "AZ_BATCH_TASK_ID" ? "t1" : null, WordKeyReader.Create(WordRule.Tutorial, source, 16));

        string lines = string.Concat(ReferenceWordCounter.Top(file, WordRule.Tutorial, 10).Select(w => $"{w.Word}:\t{w.Count}\n"));
        Assert.Equal($"Word\tCount\n{TopWordsWriter.Rule}\n{lines}{TopWordsWriter.Rule}\nTask: t1\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Throws<ArgumentException>(() => TopWordsWriter.Write(new MemoryStream(), top, _ => null, longWords: null)); // a long word cannot be written without the input
    }

    [Fact]
    public void AnInputChangedBeforeItsLongWordIsWrittenIsAnError()
    {
        byte[] file = Encoding.UTF8.GetBytes("a " + new string('w', 1000) + " b");
        var source = new MemoryByteSource(file);
        IReadOnlyList<WordCount> top = WordCounter.Count(source, new WordCounterOptions { LongWordThreshold = 100 }).Top(3);
        Assert.Null(top[1].Word);
        file[500] = (byte)' '; // the word is now two shorter words

        var e = Assert.Throws<InputChangedException>(() => TopWordsWriter.Write(new MemoryStream(), top, _ => null, WordKeyReader.Create(WordRule.Tutorial, source)));
        Assert.Contains("the input changed while it was read", e.Message);
    }

    [Fact]
    public void AProgramRunWritesTheExactLongWordAndCountsItWithTheShortOnes()
    {
        // 3 MB words with the default options: longer than the read buffer and the threshold, across 4 MiB pieces.
        var random = new Random(3);
        byte[] longWord = new byte[3 << 20];
        // (byte)'é' is 0xE9, a lead byte without its continuation: ill-formed, so the word holds U+FFFD here and there.
        for (int i = 0; i < longWord.Length; i++) longWord[i] = (byte)"abcdefghijklmnopqrstuvwxyz0123456789é"[random.Next(37)];
        var text = new MemoryStream();
        for (int i = 0; i < 4; i++)
        {
            text.Write(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200_000).Select(j => "w" + random.Next(50) + " "))));
            text.Write(longWord);
            text.Write(" \u00A0"u8);
        }
        byte[] file = text.ToArray();
        var expected = ReferenceWordCounter.Top(file, WordRule.Tutorial, 100);
        Assert.Equal(4, expected.Single(w => w.Word.Length == longWord.Length).Count);

        using var dir = new TempDirectory("longword");
        dir.WriteFile("long.txt", file);
        foreach (WorkerProcess worker in WorkerProcess.Available())
        {
            WorkerRun run = worker.Run(dir.Path, null, "--filepath", "long.txt", "--numwords", "100", "--threads", "2");
            Assert.Equal(ExitCodes.Success, run.ExitCode);
            string lines = string.Concat(expected.Select(w => $"{w.Word}:\t{w.Count}\n"));
            Assert.Equal($"Word\tCount\n{TopWordsWriter.Rule}\n{lines}{TopWordsWriter.Rule}\n", File.ReadAllText(dir.Combine("long_OUTPUT.txt")));
        }
    }

    /// <summary>Short words and long ones (a few, each repeated, some of one length) with separators between.</summary>
    private static byte[] MixedFile(Random random, WordRule rule, int threshold)
    {
        byte[][] units = rule == WordRule.Tutorial ? s_tutorialUnits : s_lettersUnits;
        var longWords = new List<byte[]>();
        for (int i = random.Next(1, 4); i > 0; i--)
        {
            var word = new List<byte>();
            int length = random.Next(threshold - 3, 5 * threshold);
            while (word.Count < length) word.AddRange(units[random.Next(units.Length)]);
            longWords.Add([.. word]);
            if (random.Next(2) == 0)
            {
                // The same length, one unit changed: a different word that only the comparison in the file tells apart.
                byte[] twin = [.. word];
                twin[random.Next(twin.Length)] = (byte)(rule == WordRule.Tutorial ? 'q' : 'Q');
                longWords.Add(twin);
            }
        }

        var file = new List<byte>();
        for (int parts = random.Next(1, 30); parts > 0; parts--)
        {
            if (random.Next(3) == 0)
            {
                if (random.Next(4) == 0) file.AddRange(Encoding.UTF8.GetBytes(new string('"', random.Next(1, 2 * threshold))));
                file.AddRange(longWords[random.Next(longWords.Count)]);
                if (random.Next(4) == 0) file.AddRange(Encoding.UTF8.GetBytes(new string('.', random.Next(1, 2 * threshold))));
            }
            else
            {
                file.AddRange(Encoding.UTF8.GetBytes(s_shortPieces[random.Next(s_shortPieces.Length)]));
            }
            file.AddRange(Encoding.UTF8.GetBytes(s_separators[random.Next(s_separators.Length)]));
        }
        if (random.Next(2) == 0) file.RemoveAt(file.Count - 1); // sometimes the file ends inside a word
        return [.. file];
    }

    private static string Describe(IEnumerable<(string Word, long Count)> words) =>
        string.Join(", ", words.Select(w => $"{(w.Word.Length > 40 ? w.Word[..40] + $"...({w.Word.Length})" : w.Word)}:{w.Count}"));
}
