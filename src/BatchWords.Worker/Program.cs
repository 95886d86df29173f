// The worker payload: counts the words of one local file and writes the top N to a local file. No network: the Batch
// task's resource files bring the input and its output files take the result away.
using BatchWords.Worker;
using Microsoft.Win32.SafeHandles;

const string Name = "batchwords-worker";

WorkerArguments? arguments;
try
{
    arguments = WorkerArguments.Parse(args);
}
catch (WorkerArgumentException e)
{
    return Fail(ExitCodes.BadArguments, $"{e.Message} (see --help)");
}
if (arguments is null)
{
    Console.Out.Write(WorkerArguments.Usage);
    return ExitCodes.Success;
}

try
{
    if (Directory.Exists(arguments.FilePath)) return Fail(ExitCodes.InputUnavailable, $"input '{arguments.FilePath}' is a directory");
    SafeFileHandle input;
    try
    {
        input = WordCounter.OpenInput(arguments.FilePath);
    }
    catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
    {
        return Fail(ExitCodes.InputUnavailable, $"input '{arguments.FilePath}' does not exist");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
    {
        return Fail(ExitCodes.InputUnavailable, $"cannot read input '{arguments.FilePath}': {e.Message}");
    }

    // The input stays open until the output is written: words too long to hold are read from it again to write them.
    using (input)
    {
        var source = new FileByteSource(input);
        WordTable table;
        try
        {
            table = WordCounter.Count(source, new WordCounterOptions { Rule = arguments.Rule, Threads = arguments.Threads });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Fail(ExitCodes.InputUnavailable, $"cannot read input '{arguments.FilePath}': {e.Message}");
        }

        IReadOnlyList<WordCount> top = table.Top(arguments.NumWords);
        try
        {
            TopWordsWriter.WriteFile(arguments.OutputPath, top, Environment.GetEnvironmentVariable, WordKeyReader.Create(arguments.Rule, source));
        }
        catch (InputChangedException e)
        {
            return Fail(ExitCodes.InputUnavailable, $"cannot read input '{arguments.FilePath}': {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Fail(ExitCodes.OutputUnwritable, $"cannot write output '{arguments.OutputPath}': {e.Message}");
        }

        Console.Out.WriteLine($"{arguments.FilePath}: {table.TotalWords} words, {table.Count} distinct; top {top.Count} written to {arguments.OutputPath}");
        return ExitCodes.Success;
    }
}
catch (Exception e)
{
    return Fail(ExitCodes.InternalError, $"internal error: {e.GetType().Name}: {e.Message}");
}

static int Fail(int exitCode, string message)
{
    // One line, whatever the exception text held, so a task's stderr.txt reads at a glance.
    Console.Error.WriteLine($"{Name}: {message.ReplaceLineEndings(" ")}");
    return exitCode;
}
