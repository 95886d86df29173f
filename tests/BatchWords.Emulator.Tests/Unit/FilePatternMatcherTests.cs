using BatchWords.Emulator.Runtime;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

public sealed class FilePatternMatcherTests : IDisposable
{
    private readonly string _taskDirectory = Path.Combine(Path.GetTempPath(), $"bw-pattern-{Guid.NewGuid():N}");
    private string WorkingDirectory => Path.Combine(_taskDirectory, "wd");

    public FilePatternMatcherTests()
    {
        foreach (var file in new[] { "stdout.txt", "stderr.txt", "wd/out.json", "wd/a.txt", "wd/b.txt", "wd/c.log", "wd/.hidden.txt",
                     "wd/sub/d.txt", "wd/sub/deep/e.txt", "wd/sub/.secret/f.txt", "wd/x1.dat", "wd/x2.dat", "wd/y1.dat" })
        {
            var path = Path.Combine(_taskDirectory, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
    }

    public void Dispose() => Directory.Delete(_taskDirectory, recursive: true);

    private string[] Match(string pattern) =>
        FilePatternMatcher.Match(WorkingDirectory, _taskDirectory, pattern).Select(m => m.RelativePath).ToArray();

    [Theory]
    [InlineData("out.json", new[] { "out.json" })]
    [InlineData("*.txt", new[] { "a.txt", "b.txt" })] // hidden files need an explicit dot
    [InlineData(".*.txt", new[] { ".hidden.txt" })]
    [InlineData("?.txt", new[] { "a.txt", "b.txt" })]
    [InlineData("[ab].txt", new[] { "a.txt", "b.txt" })]
    [InlineData("[!a].txt", new[] { "b.txt" })]
    [InlineData("x[1-2].dat", new[] { "x1.dat", "x2.dat" })]
    [InlineData("**/*.txt", new[] { "a.txt", "b.txt", "sub/d.txt", "sub/deep/e.txt" })]
    [InlineData("sub/**/*.txt", new[] { "d.txt", "deep/e.txt" })]
    [InlineData("sub/*", new[] { "d.txt" })]
    [InlineData("../stdout.txt", new[] { "stdout.txt" })]
    [InlineData("../std*.txt", new[] { "stderr.txt", "stdout.txt" })]
    [InlineData("missing.txt", new string[0])]
    [InlineData("../../escape.txt", new string[0])]
    public void Matches_relative_to_the_working_directory(string pattern, string[] expected)
    {
        Assert.Equal(expected, Match(pattern));
    }

    [Theory]
    [InlineData("out.json", "results/task1.json", "results/task1.json")] // no wildcard: path is the blob name
    [InlineData("out.json", null, "out.json")]
    [InlineData("sub/**/*.txt", "logs", "logs/deep/e.txt")] // wildcard: path is a prefix
    [InlineData("sub/**/*.txt", null, "deep/e.txt")]
    [InlineData("../std*.txt", "task1/", "task1/stdout.txt")]
    public void Blob_names_follow_the_destination_path_rules(string pattern, string? path, string expected)
    {
        var matches = FilePatternMatcher.Match(WorkingDirectory, _taskDirectory, pattern);
        var names = matches.Select(m => OutputFileUploader.BlobName(path, m, FilePatternMatcher.HasWildcard(pattern)));
        Assert.Contains(expected, names);
    }
}
