namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// A small shell program to install on a pool in place of the worker (<c>New-BwPool -Program</c>): tests/fake-worker.sh,
/// which the Pester suites install too (TestSupport.ps1). The first line of a task's input chooses what it does:
/// <c>exit N</c> fails with code N (a line on stdout, one on stderr), <c>sleep</c> writes its pid to
/// <see cref="PidDirectory"/> and sleeps, anything else writes {stem}_OUTPUT{ext} in the tutorial's format.
/// </summary>
public sealed class FakeWorker
{
    private FakeWorker(string path, string pidDirectory)
    {
        Path = path;
        PidDirectory = pidDirectory;
    }

    /// <summary>The program file to pass to New-BwPool -Program.</summary>
    public string Path { get; }

    /// <summary>Where sleeping tasks write their pid.</summary>
    public string PidDirectory { get; }

    /// <summary>Writes the program as <paramref name="fileName"/> in <paramref name="directory"/> (executable).</summary>
    public static FakeWorker Write(TempDirectory directory, string fileName = "fake-worker")
    {
        var pids = directory.Combine("pids");
        Directory.CreateDirectory(pids);
        var script = File.ReadAllText(System.IO.Path.Combine(BuiltModule.RepositoryRoot, "tests", "fake-worker.sh"))
            .Replace("@PID_DIRECTORY@", pids, StringComparison.Ordinal);
        var path = directory.Write(fileName, script.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return new FakeWorker(path, pids);
    }

    /// <summary>The pid a sleeping task wrote, or null when it has not (yet).</summary>
    public int? SleepingPid(string jobId, string taskId)
    {
        var file = System.IO.Path.Combine(PidDirectory, $"{jobId}.{taskId}.pid");
        if (!File.Exists(file)) return null;
        return int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
    }

    /// <summary>Every pid sleeping tasks wrote so far.</summary>
    public IReadOnlyList<int> SleepingPids()
        => Directory.GetFiles(PidDirectory, "*.pid").Select(f => int.TryParse(File.ReadAllText(f).Trim(), out var pid) ? pid : 0).Where(p => p > 0).ToList();
}
