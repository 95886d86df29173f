using Xunit;

namespace BatchWords.Worker.Tests;

public class TopWordsWriterTests
{
    private static readonly WordCount[] s_words = [new("to", 18, 10), new("and", 17, 3), new("you", 14, 40)];

    private static string Format(IReadOnlyList<WordCount> words, Func<string, string?> environment)
    {
        using var text = new MemoryStream();
        TopWordsWriter.Write(text, words, environment, longWords: null);
        return System.Text.Encoding.UTF8.GetString(text.ToArray());
    }

    [Fact]
    public void WithoutBatchVariablesTheFileEndsAfterTheSecondRule()
    {
        Assert.Equal("Word\tCount\n------------------------------\nto:\t18\nand:\t17\nyou:\t14\n------------------------------\n",
            Format(s_words, _ => null));
    }

    [Fact]
    public void BatchVariablesAddTheTutorialsNodeTaskJobPoolLines()
    {
        var environment = new Dictionary<string, string>
        {
            ["AZ_BATCH_NODE_ID"] = "tvm-1", ["AZ_BATCH_TASK_ID"] = "topNtask0", ["AZ_BATCH_JOB_ID"] = "job", ["AZ_BATCH_POOL_ID"] = "pool",
        };
        Assert.EndsWith("------------------------------\nNode: tvm-1\nTask: topNtask0\nJob:  job\nPool: pool\n",
            Format(s_words, environment.GetValueOrDefault));
    }

    [Fact]
    public void OnlyTheVariablesThatAreSetGetALine()
    {
        string text = Format([], name => name == "AZ_BATCH_TASK_ID" ? "t1" : null);
        Assert.Equal("Word\tCount\n------------------------------\n------------------------------\nTask: t1\n", text);
    }

    [Fact]
    public void RulesAreThirtyDashes() => Assert.Equal(new string('-', 30), TopWordsWriter.Rule);
}
