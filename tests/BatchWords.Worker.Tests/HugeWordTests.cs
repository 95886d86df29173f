using System.Text;
using BatchWords.Worker.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BatchWords.Worker.Tests;

/// <summary>
/// The real program on a file that is one word of 1 GiB: the right count, the exact word in the output (compared with
/// the file read again), and a peak of anonymous memory (RssAnon, sampled every few ms; the page cache is not counted)
/// under 200 MB. Each test takes some seconds: the NUL file is sparse (made at once), the letters file is written from
/// one repeated MiB; both are deleted after. Category Slow, so a quick run can leave them out with
/// <c>--filter "Category!=Slow"</c>.
/// </summary>
[Trait("Category", "Slow")]
public class HugeWordTests(ITestOutputHelper output)
{
    private const long OneGiB = 1L << 30;
    private const long AnonymousMemoryLimit = 200L * 1000 * 1000;

    public static TheoryData<WorkerProcess> Workers => new(WorkerProcess.Available());

    [Theory]
    [MemberData(nameof(Workers))]
    public void AOneGigabyteFileOfNulBytesIsOneWordCountedInBoundedMemory(WorkerProcess worker)
    {
        using var dir = new TempDirectory("huge-nul");
        string input = dir.Combine("nul.txt");
        using (FileStream file = File.Create(input)) file.SetLength(OneGiB); // sparse: reads as NUL bytes

        AssertOneWordInBoundedMemory(worker, dir, input, "tutorial");
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void AOneGigabyteFileOfLettersIsOneWordCountedInBoundedMemory(WorkerProcess worker)
    {
        using var dir = new TempDirectory("huge-letters");
        string input = dir.Combine("letters.txt");
        // Lower-case letters and digits, so the letters rule's key (lower-cased) is the file's bytes.
        byte[] block = new byte[1 << 20];
        ReadOnlySpan<byte> alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"u8;
        for (int i = 0; i < block.Length; i++) block[i] = alphabet[(i * 7 + i / 1000) % alphabet.Length];
        using (FileStream file = File.Create(input))
        {
            for (long written = 0; written < OneGiB; written += block.Length) file.Write(block);
        }

        AssertOneWordInBoundedMemory(worker, dir, input, "letters");
    }

    private void AssertOneWordInBoundedMemory(WorkerProcess worker, TempDirectory dir, string input, string rule)
    {
        string result = dir.Combine("result.txt");
        var (run, peak, samples) = worker.RunMeasuringAnonymousMemory(dir.Path, "--filepath", input, "--numwords", "3", "--output", result, "--rule", rule);
        output.WriteLine($"{worker} --rule {rule}: exit {run.ExitCode}, peak RssAnon {peak / 1e6:F1} MB over {samples} samples; {run.StandardOutput}{run.StandardError}");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("", run.StandardError);
        Assert.Equal($"{input}: 1 words, 1 distinct; top 1 written to {result}\n", run.StandardOutput);
        Assert.True(samples >= 10, $"only {samples} samples of RssAnon: the run was too short to measure");
        Assert.True(peak < AnonymousMemoryLimit, $"peak RssAnon {peak / 1e6:F1} MB, over the {AnonymousMemoryLimit / 1e6} MB limit");
        AssertOutputHoldsTheFileAsItsOneWord(result, input);
    }

    /// <summary>The output is the header, the whole input as the one word with count 1, and the closing rule.</summary>
    private static void AssertOutputHoldsTheFileAsItsOneWord(string outputPath, string inputPath)
    {
        byte[] head = Encoding.UTF8.GetBytes($"Word\tCount\n{TopWordsWriter.Rule}\n");
        byte[] tail = Encoding.UTF8.GetBytes($":\t1\n{TopWordsWriter.Rule}\n");
        long wordLength = new FileInfo(inputPath).Length;
        Assert.Equal(head.Length + wordLength + tail.Length, new FileInfo(outputPath).Length);

        using FileStream written = File.OpenRead(outputPath);
        using FileStream original = File.OpenRead(inputPath);
        Assert.Equal(head, ReadExactly(written, head.Length));
        byte[] expected = new byte[1 << 20], actual = new byte[1 << 20];
        for (long offset = 0; offset < wordLength; offset += expected.Length)
        {
            int n = (int)Math.Min(expected.Length, wordLength - offset);
            original.ReadExactly(expected, 0, n);
            written.ReadExactly(actual, 0, n);
            if (!expected.AsSpan(0, n).SequenceEqual(actual.AsSpan(0, n))) Assert.Fail($"the output's word differs from the file in the MiB at offset {offset}");
        }
        Assert.Equal(tail, ReadExactly(written, tail.Length));
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        byte[] bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
