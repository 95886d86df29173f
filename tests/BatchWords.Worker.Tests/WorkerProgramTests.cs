using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>The real program: exit codes, stdout, stderr and the file it writes.</summary>
public class WorkerProgramTests
{
    public static TheoryData<WorkerProcess> Workers => new(WorkerProcess.Available());

    [Theory]
    [MemberData(nameof(Workers))]
    public void TheTutorialCommandWritesTheTutorialsOutputFileInTheWorkingDirectory(WorkerProcess worker)
    {
        using var dir = new TempDirectory("run");
        File.Copy(Path.Combine(TutorialData.Directory, "taskdata1.txt"), dir.Combine("taskdata1.txt"));
        var batch = new Dictionary<string, string?>
        {
            ["AZ_BATCH_NODE_ID"] = "tvm-1_1", ["AZ_BATCH_TASK_ID"] = "topNtask0", ["AZ_BATCH_JOB_ID"] = "PythonTutorialJob",
            ["AZ_BATCH_POOL_ID"] = "PythonTutorialPool",
        };

        WorkerRun run = worker.Run(dir.Path, batch, "--filepath", "taskdata1.txt", "--numwords", "3");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("", run.StandardError);
        Assert.Equal("taskdata1.txt: 362 words, 201 distinct; top 3 written to taskdata1_OUTPUT.txt\n", run.StandardOutput);
        Assert.Equal(
            "Word\tCount\n------------------------------\nto:\t18\nand:\t17\nyou:\t14\n------------------------------\n" +
            "Node: tvm-1_1\nTask: topNtask0\nJob:  PythonTutorialJob\nPool: PythonTutorialPool\n",
            File.ReadAllText(dir.Combine("taskdata1_OUTPUT.txt")));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void OutputRuleAndThreadsOptionsAreHonoured(WorkerProcess worker)
    {
        using var dir = new TempDirectory("options");
        string input = dir.WriteFile("in.md", "Apple apple, APPLE! pear\u00A0Pear plum");
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", input, "--numwords", "10", "--output", "result.txt", "--rule", "letters", "--threads", "2");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("Word\tCount\n------------------------------\napple:\t3\npear:\t2\nplum:\t1\n------------------------------\n",
            File.ReadAllText(dir.Combine("result.txt")));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void AnEmptyFileSucceedsWithAnEmptyList(WorkerProcess worker)
    {
        using var dir = new TempDirectory("empty");
        dir.WriteFile("empty.txt", []);
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", "empty.txt", "--numwords", "3");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("Word\tCount\n------------------------------\n------------------------------\n", File.ReadAllText(dir.Combine("empty_OUTPUT.txt")));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void HelpGoesToStdoutAndSucceeds(WorkerProcess worker)
    {
        using var dir = new TempDirectory("help");
        WorkerRun run = worker.Run(dir.Path, null, "--help");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.StartsWith("usage: batchwords-worker --filepath <file> --numwords <N>", run.StandardOutput);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void ABadArgumentExitsWithTwoAndOneLineOnStderr(WorkerProcess worker)
    {
        using var dir = new TempDirectory("badarg");
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", "x.txt", "--numwords", "three");
        AssertFailure(run, ExitCodes.BadArguments, "--numwords must be a whole number 0 or more, not 'three' (see --help)");
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void AMissingInputExitsWithThree(WorkerProcess worker)
    {
        using var dir = new TempDirectory("missing");
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", "nope.txt", "--numwords", "3");
        AssertFailure(run, ExitCodes.InputUnavailable, "input 'nope.txt' does not exist");
        Assert.False(File.Exists(dir.Combine("nope_OUTPUT.txt")));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void ADirectoryAsInputExitsWithThree(WorkerProcess worker)
    {
        using var dir = new TempDirectory("dirinput");
        Directory.CreateDirectory(dir.Combine("data"));
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", "data", "--numwords", "3");
        AssertFailure(run, ExitCodes.InputUnavailable, "input 'data' is a directory");
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void AnUnreadableInputExitsWithThree(WorkerProcess worker)
    {
        using var dir = new TempDirectory("unreadable");
        string input = "secret.txt";
        if (Environment.UserName != "root" && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(dir.WriteFile(input, "words"), UnixFileMode.None); // refused at open
        else
            input = "/proc/self/mem"; // root opens any file whatever its mode; this one opens, then every read fails (EIO)
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", input, "--numwords", "3");
        Assert.Equal(ExitCodes.InputUnavailable, run.ExitCode);
        Assert.StartsWith($"batchwords-worker: cannot read input '{input}': ", run.StandardError);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void AnOutputThatCannotBeWrittenExitsWithFour(WorkerProcess worker)
    {
        using var dir = new TempDirectory("badout");
        dir.WriteFile("in.txt", "a b a");
        // A directory that does not exist cannot be written into, whoever runs the test (root included).
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", "in.txt", "--numwords", "3", "--output", "no/such/dir/out.txt");
        Assert.Equal(ExitCodes.OutputUnwritable, run.ExitCode);
        Assert.StartsWith("batchwords-worker: cannot write output 'no/such/dir/out.txt': ", run.StandardError);
        Assert.Single(run.StandardError.TrimEnd('\n').Split('\n'));
        Assert.Equal("", run.StandardOutput);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void TheFileItWritesMatchesTheInProcessResultOnAMixedInput(WorkerProcess worker)
    {
        using var dir = new TempDirectory("mixed");
        byte[] bytes = [.. "\uFEFFThe the, THE (the) 東京\u3000東京 naïve\u00A0naïve "u8, 0xFF, 0xFE, (byte)'!', .. "\r\nend"u8];
        dir.WriteFile("mixed.txt", bytes);
        WorkerRun run = worker.Run(dir.Path, null, "--filepath", "mixed.txt", "--numwords", "100");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var expected = ReferenceWordCounter.Top(bytes, WordRule.Tutorial, 100);
        string lines = string.Concat(expected.Select(w => $"{w.Word}:\t{w.Count}\n"));
        Assert.Equal($"Word\tCount\n{TopWordsWriter.Rule}\n{lines}{TopWordsWriter.Rule}\n", File.ReadAllText(dir.Combine("mixed_OUTPUT.txt")));
    }

    private static void AssertFailure(WorkerRun run, int exitCode, string message)
    {
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal($"batchwords-worker: {message}\n", run.StandardError);
        Assert.Equal("", run.StandardOutput);
    }
}
