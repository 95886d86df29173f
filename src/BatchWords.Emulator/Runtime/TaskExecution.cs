using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.Runtime;

/// <summary>Everything one attempt needs, captured under the state lock before it starts.</summary>
public sealed record ExecutionPlan(
    string TaskDirectory,
    string CommandLine,
    IReadOnlyList<ResourceFile>? ResourceFiles,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan? MaxWallClockTime);

/// <summary>How an attempt ended.</summary>
public abstract record ExecutionOutcome
{
    /// <summary>The process ran and exited with this code.</summary>
    public sealed record Exited(int ExitCode) : ExecutionOutcome;

    /// <summary>maxWallClockTime ran out and the process tree was killed (exit code if it had started).</summary>
    public sealed record TimedOut(int? ExitCode) : ExecutionOutcome;

    /// <summary>Stopped from outside; <see cref="ProcessRun.Reason"/> says why.</summary>
    public sealed record Stopped : ExecutionOutcome;

    /// <summary>It never started: a resource file or the command line failed.</summary>
    public sealed record PreparationFailed(FailureInfo Failure) : ExecutionOutcome;
}

/// <summary>
/// Runs one attempt of a task or start task in its directory (§8.3, §8.4): creates the layout, downloads the
/// resource files, splits the command line, finds the program on the task's PATH, starts it in its own process
/// group with stdout/stderr appended to the task's files, and waits for it — or kills the whole group when the
/// attempt is stopped or maxWallClockTime (counted from the attempt's start) runs out. Leftover processes of the
/// group are killed when the main process exits.
/// </summary>
public sealed class TaskExecution
{
    private readonly ResourceFileDownloader _downloader;

    public TaskExecution(ResourceFileDownloader downloader) => _downloader = downloader;

    public async Task<ExecutionOutcome> RunAsync(ExecutionPlan plan, ProcessRun run)
    {
        using var timeout = new CancellationTokenSource();
        if (plan.MaxWallClockTime is { } limit && limit < TimeSpan.FromDays(365)) timeout.CancelAfter(limit);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(run.StopToken, timeout.Token);
        ExecutionOutcome Interrupted(int? exitCode = null) =>
            run.Reason != StopReason.None ? new ExecutionOutcome.Stopped() : new ExecutionOutcome.TimedOut(exitCode);

        var workingDirectory = Path.Combine(plan.TaskDirectory, "wd");
        // Stopped before it began (its job was deleted): do not re-create a directory that was just discarded.
        if (either.IsCancellationRequested) return Interrupted();
        try
        {
            Directory.CreateDirectory(workingDirectory);
            Directory.CreateDirectory(Path.Combine(plan.TaskDirectory, "certs"));
            await _downloader.DownloadAllAsync(plan.ResourceFiles, workingDirectory, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            return Interrupted();
        }
        catch (PreparationException e)
        {
            return either.IsCancellationRequested ? Interrupted() : new ExecutionOutcome.PreparationFailed(e.Failure);
        }
        if (either.IsCancellationRequested) return Interrupted();

        List<string> words;
        try { words = CommandLineTokenizer.Split(plan.CommandLine); }
        catch (FormatException e)
        {
            return new ExecutionOutcome.PreparationFailed(Failure("CommandLaunchFailed", $"The command line could not be parsed: {e.Message}"));
        }
        var executable = words.Count == 0 ? null : ExecutableResolver.Resolve(words[0], plan.Environment["PATH"], workingDirectory);
        if (executable is null)
            return new ExecutionOutcome.PreparationFailed(Failure("CommandProgramNotFound",
                words.Count == 0 ? "The command line is empty." : $"The program '{words[0]}' was not found or is not executable."));

        var stdout = Path.Combine(plan.TaskDirectory, "stdout.txt");
        var stderr = Path.Combine(plan.TaskDirectory, "stderr.txt");
        File.AppendAllText(stdout, "");
        File.AppendAllText(stderr, "");

        ProcessGroup process;
        try
        {
            process = ProcessGroup.Start(new ProcessLaunch(executable, words.Skip(1).ToList(), workingDirectory, plan.Environment, stdout, stderr));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new ExecutionOutcome.PreparationFailed(Failure("CommandLaunchFailed", $"The process could not be started: {e.Message}"));
        }

        try
        {
            using (either.Token.Register(process.Kill))
            {
                var exitCode = await process.WaitForExitAsync().ConfigureAwait(false);
                process.KillLeftovers();
                return either.IsCancellationRequested ? Interrupted(exitCode) : new ExecutionOutcome.Exited(exitCode);
            }
        }
        finally
        {
            process.KillLeftovers();
            process.Dispose();
        }
    }

    private static FailureInfo Failure(string code, string message) => FailureInfos.Create("usererror", code, message);
}
