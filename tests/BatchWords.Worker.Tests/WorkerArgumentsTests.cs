using Xunit;

namespace BatchWords.Worker.Tests;

public class WorkerArgumentsTests
{
    [Fact]
    public void TheTutorialsCommandLineParses()
    {
        WorkerArguments a = WorkerArguments.Parse(["--filepath", "taskdata1.txt", "--numwords", "3"])!;
        Assert.Equal("taskdata1.txt", a.FilePath);
        Assert.Equal(3, a.NumWords);
        Assert.Equal("taskdata1_OUTPUT.txt", a.OutputPath);
        Assert.Equal(WordRule.Tutorial, a.Rule);
        Assert.Equal(0, a.Threads);
    }

    [Fact]
    public void OptionsTakeValuesAfterAnEqualsSignToo()
    {
        WorkerArguments a = WorkerArguments.Parse(["--filepath=in.txt", "--numwords=0", "--output=o.txt", "--rule=LETTERS", "--threads=2"])!;
        Assert.Equal(("in.txt", 0, "o.txt", WordRule.Letters, 2), (a.FilePath, a.NumWords, a.OutputPath, a.Rule, a.Threads));
    }

    [Theory]
    [InlineData("taskdata1.txt", "taskdata1_OUTPUT.txt")]
    [InlineData("/mnt/batch/tasks/wd/taskdata1.txt", "taskdata1_OUTPUT.txt")] // in the working directory, not beside the input
    [InlineData("archive.tar.gz", "archive.tar_OUTPUT.gz")]
    [InlineData("README", "README_OUTPUT")]
    [InlineData(".bashrc", ".bashrc_OUTPUT")]
    [InlineData("..txt", "..txt_OUTPUT")]
    [InlineData("notes.", "notes_OUTPUT.")]
    public void TheDefaultOutputIsNamedAsTheTutorialNamesIt(string input, string output)
    {
        Assert.Equal(output, WorkerArguments.DefaultOutputPath(input));
    }

    [Fact]
    public void NumWordsBeyondIntMeansAll()
    {
        Assert.Equal(int.MaxValue, WorkerArguments.Parse(["--filepath", "f", "--numwords", "99999999999999999999999"])!.NumWords);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void HelpIsRecognisedAnywhere(string help)
    {
        Assert.Null(WorkerArguments.Parse(["--filepath", "f", help]));
    }

    [Theory]
    [InlineData("--numwords 3", "--filepath is required")]
    [InlineData("--filepath f", "--numwords is required")]
    [InlineData("--filepath f --numwords", "--numwords needs a value")]
    [InlineData("--filepath f --numwords -1", "--numwords must be a whole number")]
    [InlineData("--filepath f --numwords 3x", "--numwords must be a whole number")]
    [InlineData("--filepath f --numwords +3", "--numwords must be a whole number")]
    [InlineData("--filepath f --numwords 3 --numwords 4", "--numwords is given more than once")]
    [InlineData("--filepath f --numwords 3 --rule words", "--rule must be 'tutorial' or 'letters'")]
    [InlineData("--filepath f --numwords 3 --threads 0", "--threads must be 'auto' or a number")]
    [InlineData("--filepath f --numwords 3 --colour", "unknown option '--colour'")]
    [InlineData("--filepath f --numwords 3 extra", "unexpected argument 'extra'")]
    [InlineData("--filepath= --numwords 3", "--filepath is empty")]
    [InlineData("--filepath f --numwords 3 --sastoken abc", "--sastoken is not supported")]
    [InlineData("--filepath f --numwords 3 --storageaccount a", "the task's outputFiles upload it")]
    public void BadCommandLinesSayWhatIsWrong(string commandLine, string message)
    {
        var e = Assert.Throws<WorkerArgumentException>(() => WorkerArguments.Parse(commandLine.Split(' ')));
        Assert.Contains(message, e.Message);
    }
}
