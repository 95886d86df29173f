using BatchWords.Emulator.Runtime;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

/// <summary>POSIX word splitting as shlex.split does it, with nothing expanded (§8.3).</summary>
public class CommandLineTokenizerTests
{
    [Theory]
    [InlineData("echo hello world", new[] { "echo", "hello", "world" })]
    [InlineData("  spaced\t out  ", new[] { "spaced", "out" })]
    [InlineData("/bin/sh -c 'echo $AZ_BATCH_POOL_ID | wc -c'", new[] { "/bin/sh", "-c", "echo $AZ_BATCH_POOL_ID | wc -c" })]
    [InlineData("/bin/bash -c \"printenv | grep AZ_BATCH\"", new[] { "/bin/bash", "-c", "printenv | grep AZ_BATCH" })]
    [InlineData("a\\ b c", new[] { "a b", "c" })]
    [InlineData("\"a \\\"quoted\\\" \\$HOME \\n\"", new[] { "a \"quoted\" $HOME \\n" })]
    [InlineData("'it'\\''s'", new[] { "it's" })]
    [InlineData("x'' ''", new[] { "x", "" })]
    [InlineData("echo $HOME *.txt > out", new[] { "echo", "$HOME", "*.txt", ">", "out" })]
    [InlineData("pre\"mid dle\"post", new[] { "premid dlepost" })]
    [InlineData("", new string[0])]
    public void Splits_like_a_posix_shell_without_expanding(string commandLine, string[] expected)
    {
        Assert.Equal(expected, CommandLineTokenizer.Split(commandLine));
    }

    [Fact]
    public void The_tutorial_command_lines_of_Core_split_into_sh_dash_c_and_one_script()
    {
        var words = CommandLineTokenizer.Split(TaskCommandLine.RunTopWords("batchwords-worker", "taskdata1.txt", 3, "tutorial"));
        Assert.Equal(new[] { "/bin/sh", "-c" }, words.Take(2));
        Assert.Equal(3, words.Count);
        Assert.Contains("\"$AZ_BATCH_NODE_SHARED_DIR/batchwords-worker\"", words[2]);
    }

    [Theory]
    [InlineData("echo 'unclosed")]
    [InlineData("echo \"unclosed")]
    [InlineData("trailing\\")]
    public void Rejects_what_no_shell_would_accept(string commandLine)
    {
        Assert.Throws<FormatException>(() => CommandLineTokenizer.Split(commandLine));
    }
}
