using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>The tutorial's own inputs, with the figures the original task program gives (BOM dropped).</summary>
public class GoldenTests
{
    [Theory]
    [InlineData("taskdata1.txt", "to", 18, "and", 17, "you", 14)]
    [InlineData("taskdata2.txt", "Storage", 11, "for", 8, "data", 7)]
    [InlineData("taskdata3.txt", "the", 10, "of", 8, "and", 6)]
    public void TutorialDataGivesTheTutorialsTopThree(string file, string w1, long c1, string w2, long c2, string w3, long c3)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TutorialData.Directory, file));
        Assert.Equal([(w1, c1), (w2, c2), (w3, c3)], Count.Top(bytes, limit: 3));
    }

    [Fact]
    public void Taskdata3TieAtSixIsBrokenByFirstOccurrence()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TutorialData.Directory, "taskdata3.txt"));
        var sixes = Count.Top(bytes).Where(w => w.Count == 6).Select(w => w.Word).ToList();
        Assert.Equal(["and", "your", "in"], sixes);
    }

    [Theory]
    [InlineData("taskdata1.txt")]
    [InlineData("taskdata2.txt")]
    [InlineData("taskdata3.txt")]
    public void TutorialDataAgreesWithTheReferenceForEveryWord(string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TutorialData.Directory, file));
        foreach (WordRule rule in Enum.GetValues<WordRule>())
        {
            Assert.Equal(ReferenceWordCounter.Top(bytes, rule, int.MaxValue), Count.Top(bytes, rule));
        }
    }

    [Fact]
    public void TheByteOrderMarkDoesNotStickToTheFirstWord()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TutorialData.Directory, "taskdata1.txt"));
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // the data starts with a BOM, which Python's task kept
        Assert.Contains(("Batch", 9L), Count.Top(bytes));
        Assert.DoesNotContain(Count.Top(bytes), w => w.Word.Contains('\uFEFF'));
    }
}
