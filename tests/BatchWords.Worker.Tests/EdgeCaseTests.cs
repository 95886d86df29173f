using System.Text;
using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>The tutorial rule on the inputs the issue names, in process, checked against the reference.</summary>
public class EdgeCaseTests
{
    private static readonly int[] s_bufferSizes = [1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 1 << 20];

    /// <summary>Every buffer size, one and three threads: the result is the reference's each time.</summary>
    private static void AssertMatchesReference(byte[] file, WordRule rule = WordRule.Tutorial)
    {
        var expected = ReferenceWordCounter.Top(file, rule, int.MaxValue);
        foreach (int bufferSize in s_bufferSizes)
        {
            Assert.Equal(expected, Count.Top(file, rule, bufferSize: bufferSize));
            Assert.Equal(expected, Count.Top(file, rule, bufferSize: bufferSize, threads: 3));
        }
    }

    [Fact]
    public void EmptyFileHasNoWords()
    {
        Assert.Empty(Count.Top([]));
        Assert.Empty(Count.Top([0xEF, 0xBB, 0xBF]));
    }

    [Fact]
    public void OnlyPunctuationHasNoWords()
    {
        Assert.Empty(Count.Top("!!! ... ,,, ;-) \"\" '' (( )) -- @#$%^&*"));
        AssertMatchesReference(Encoding.UTF8.GetBytes(new string(ReferenceWordCounter.AsciiPunctuation) + " !x! ?"));
    }

    [Fact]
    public void PunctuationIsStrippedFromBothEndsOnly()
    {
        Assert.Equal([("it's", 2), ("well-known", 1), ("a.b", 1)], Count.Top("\"it's\" (it's) --well-known-- ...a.b..."));
    }

    [Fact]
    public void NonAsciiPunctuationIsPartOfTheWord()
    {
        // Curly quotes and em dashes are not ASCII punctuation: "tasks—processing" is one word, as in the tutorial.
        Assert.Equal([("“quoted”", 1), ("tasks—processing", 1)], Count.Top("“quoted” tasks—processing"));
    }

    [Fact]
    public void CrLfLineEndsSeparateWords()
    {
        Assert.Equal([("a", 2), ("b", 1)], Count.Top("a\r\nb\r\na\r\n"));
        AssertMatchesReference(Encoding.UTF8.GetBytes("one\r\ntwo\r\n\r\none two\rthree\n"));
    }

    [Fact]
    public void OneLeadingBomIsDroppedAndASecondIsKept()
    {
        Assert.Equal([("word", 2)], Count.Top("\uFEFFword word"));
        Assert.Equal([("\uFEFFword", 1), ("word", 1)], Count.Top("\uFEFF\uFEFFword word"));
        Assert.Equal([("a\uFEFFb", 1)], Count.Top("a\uFEFFb")); // U+FEFF is not white space
    }

    [Fact]
    public void InvalidUtf8CountsAsReplacementCharacters()
    {
        // 0xFF and 0xFE both decode to U+FFFD, and so does a literal EF BF BD: one word, three times.
        byte[] file = [0xFF, (byte)'x', 0x20, 0xFE, (byte)'x', 0x20, 0xEF, 0xBF, 0xBD, (byte)'x'];
        Assert.Equal([("\uFFFDx", 3)], Count.Top(file));
        AssertMatchesReference(file);
    }

    [Theory]
    [InlineData(3)]   // in the block where the word starts
    [InlineData(100)] // in a block the word fills
    [InlineData(195)] // in the block where the word ends
    public void InvalidBytesAnywhereInALongWordStillMakeOneWord(int at)
    {
        // Two 200-byte words that differ only in an ill-formed byte (FF or FE) decode to the same text: one word, twice.
        byte[] first = Encoding.ASCII.GetBytes(new string('w', 200));
        byte[] second = (byte[])first.Clone();
        first[at] = 0xFF;
        second[at] = 0xFE;
        byte[] file = [.. "x "u8, .. first, (byte)' ', .. second, (byte)'\n'];
        Assert.Single(ReferenceWordCounter.Top(file, WordRule.Tutorial, int.MaxValue), w => w.Count == 2);
        AssertMatchesReference(file);
    }

    [Fact]
    public void TruncatedSequencesFollowMaximalSubpartReplacement()
    {
        // E2 80 is one maximal subpart (one U+FFFD) whether a space, an ASCII letter, the end of the file or the lead
        // of multi-byte white space follows; F0 80 is two (80 cannot follow F0).
        byte[] file = [0xE2, 0x80, 0x20, 0xE2, 0x80, (byte)'a', 0x20, 0xF0, 0x80, 0x20, 0xE2, 0x80, 0xC2, 0xA0, 0xE2, 0x80];
        AssertMatchesReference(file);
        Assert.Equal([("\uFFFD", 3), ("\uFFFDa", 1), ("\uFFFD\uFFFD", 1)], Count.Top(file));
    }

    [Fact]
    public void EncodedSurrogatesAndOverlongFormsAreInvalid()
    {
        AssertMatchesReference([0xED, 0xA0, 0x80, 0x20, 0xC0, 0xAF, 0x20, 0xE0, 0x80, 0xAF, 0x20, 0xF4, 0x90, 0x80, 0x80]);
    }

    [Fact]
    public void EveryUnicodeWhiteSpaceSeparatesWords()
    {
        // NBSP, ideographic space, NEL, the U+2000 range, line and paragraph separators, ... (the White_Space property).
        string[] spaces = Enumerable.Range(0, 0x10000).Where(c => char.IsWhiteSpace((char)c)).Select(c => ((char)c).ToString()).ToArray();
        Assert.Equal(25, spaces.Length);
        string text = "w" + string.Join("w", spaces) + "w";
        Assert.Equal([("w", spaces.Length + 1)], Count.Top(text));
        AssertMatchesReference(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void NonBreakingAndIdeographicSpacesSeparateWords()
    {
        Assert.Equal([("東京", 2), ("word", 2)], Count.Top("東京\u3000東京 word\u00A0word"));
    }

    [Fact]
    public void NearMissesOfMultiByteWhiteSpaceAreWordCharacters()
    {
        // U+2020 (dagger, E2 80 A0), U+200B (zero-width space, not White_Space), U+180E, U+FEFF, U+001C..U+001F
        // (split by Python's str.split, not by the White_Space property): none separates words.
        string text = "a\u2020b a\u200Bb a\u180Eb a\u001Cb a\u001Fb a\u2027b a\u2030b a\u205Eb a\u3001b a\u00A1b";
        Assert.Equal(10, Count.Top(text).Count);
        AssertMatchesReference(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void ControlCharactersOtherThanTabToCarriageReturnAreWordCharacters()
    {
        Assert.Equal([("a\0b", 1), ("c\u0001", 1)], Count.Top("a\0b c\u0001"));
    }

    [Fact]
    public void CaseIsKept()
    {
        Assert.Equal([("Word", 2), ("word", 1), ("WORD", 1)], Count.Top("Word word WORD Word"));
    }

    [Fact]
    public void TiesGoToTheFirstOccurrenceOfTheStrippedWord()
    {
        // "b" first appears (as "(b") before "a" (as "a,"): the stripped word's first position decides.
        Assert.Equal([("b", 2), ("a", 2), ("c", 1)], Count.Top("(b a, c a b"));
        Assert.Equal([("x", 3), ("z", 2), ("y", 2)], Count.Top("x z y x y z x"));
    }

    [Fact]
    public void NLargerThanTheVocabularyListsEveryWord()
    {
        Assert.Equal([("a", 2), ("b", 1)], Count.Top("a b a", limit: 1000));
    }

    [Fact]
    public void NZeroListsNothing()
    {
        Assert.Empty(Count.Top("a b a", limit: 0));
    }

    [Fact]
    public void WordsAndCharactersSplitAcrossReadBuffersAreWhole()
    {
        // Every buffer size from 1 up, so each word, each multi-byte character and each multi-byte white space sits
        // across a buffer boundary in some run; short reads on top (the source hands out 3 bytes at a time).
        byte[] file = Encoding.UTF8.GetBytes("alpha beta\u3000gamma\u00A0delta épsilon ζήτα\u2029eta\u0085theta ‘iota’ alpha");
        var expected = ReferenceWordCounter.Top(file, WordRule.Tutorial, int.MaxValue);
        for (int bufferSize = 1; bufferSize <= file.Length + 1; bufferSize++)
        {
            Assert.Equal(expected, Count.Top(file, bufferSize: bufferSize));
            Assert.Equal(expected, Count.Top(file, bufferSize: bufferSize, maxRead: 3));
        }
    }

    [Fact]
    public void ASingleFiftyMegabyteWordIsOneWord()
    {
        byte[] file = new byte[50 * 1024 * 1024 + 2];
        file.AsSpan().Fill((byte)'w');
        file[0] = (byte)'"';
        file[^1] = (byte)'"';
        foreach (int threads in new[] { 1, 2 })
        {
            var top = Count.Top(file, threads: threads);
            Assert.Single(top);
            Assert.Equal(50 * 1024 * 1024, top[0].Word.Length);
            Assert.Equal(1, top[0].Count);
        }
        Assert.Single(Count.Top(file, bufferSize: 4096)); // the buffer grows to the long-word threshold, then the word is read from the file
    }

    [Fact]
    public void ParallelRangesGiveTheSameResultAsOnePass()
    {
        // Many splits over text with multi-byte white space, invalid bytes and long words near every split point.
        var random = new Random(7);
        var text = new StringBuilder();
        string[] pieces = ["the", "The", "a", "ça", "東京", "x\u00A0y", "\u3000", "\u2028", "--", "(b)", "\uFFFD", "long-word-long-word"];
        for (int i = 0; i < 20_000; i++) text.Append(pieces[random.Next(pieces.Length)]).Append(random.Next(4) == 0 ? "\n" : " ");
        byte[] file = Encoding.UTF8.GetBytes(text.ToString());
        file[100] = 0xFF;
        file[5000] = 0xC3;
        var expected = ReferenceWordCounter.Top(file, WordRule.Tutorial, int.MaxValue);
        foreach (int threads in new[] { 1, 2, 3, 7, 64 })
        {
            Assert.Equal(expected, Count.Top(file, threads: threads));
            Assert.Equal(expected, Count.Top(file, threads: threads, bufferSize: 100));
            Assert.Equal(expected, Count.Top(file, threads: threads, chunkSize: 1000)); // many pieces per thread
        }
        foreach (WordRule rule in Enum.GetValues<WordRule>())
        {
            Assert.Equal(ReferenceWordCounter.Top(file, rule, int.MaxValue), Count.Top(file, rule, threads: 2, bufferSize: 300, chunkSize: 777));
        }
    }

    [Theory]
    [InlineData(0L, 2, 1)]
    [InlineData(7L << 20, 2, 1)]       // below the threshold: one thread
    [InlineData(8L << 20, 2, 1)]       // one threshold's worth per thread
    [InlineData(16L << 20, 2, 2)]
    [InlineData(1L << 30, 2, 2)]       // this machine: both cores on a large file
    [InlineData(20L << 20, 64, 2)]     // a many-core node: no more threads than the file pays for
    [InlineData(1L << 30, 64, 8)]      // and never more than 8 tables of the vocabulary
    [InlineData(1L << 30, 1, 1)]
    public void AutomaticThreadsFollowTheFileSizeAndTheCores(long length, int processors, int expected)
    {
        Assert.Equal(expected, WordCounter.AutomaticThreads(length, processors, new WordCounterOptions().ParallelThreshold));
    }

    [Fact]
    public void AutomaticThreadsOnALargeFileAgreeWithOneThread()
    {
        var random = new Random(11);
        var words = Enumerable.Range(0, 5000).Select(i => $"w{i}").ToArray();
        var text = new StringBuilder();
        while (text.Length < 17 << 20) text.Append(words[(int)(words.Length * Math.Pow(random.NextDouble(), 3))]).Append(' ');
        byte[] file = Encoding.UTF8.GetBytes(text.ToString());
        WordTable auto = WordCounter.Count(new MemoryByteSource(file), new WordCounterOptions());
        WordTable one = WordCounter.Count(new MemoryByteSource(file), new WordCounterOptions { Threads = 1 });
        Assert.Equal(one.Top(int.MaxValue), auto.Top(int.MaxValue));
    }
}
