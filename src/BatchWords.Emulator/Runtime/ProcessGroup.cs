using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BatchWords.Emulator.Runtime;

/// <summary>What to start: the resolved program, its arguments, directory, environment and log files.</summary>
public sealed record ProcessLaunch(
    string Executable,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    string StdoutPath,
    string StderrPath);

/// <summary>
/// A task process in its own session and process group, so terminate, a timeout or a deletion can kill the
/// whole tree, including children that outlive their parent. .NET cannot call setsid between fork and exec, so
/// the launch goes through util-linux setsid (which execs in place: the child is not a group leader) and a
/// one-line /bin/sh that only redirects: stdin from /dev/null, stdout and stderr appended to the task's files
/// (so they grow while it runs, and no pipe of ours is held), then exec "$@". The command itself is never
/// interpreted by that shell: it arrives as separate arguments.
/// </summary>
public sealed class ProcessGroup
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string RedirectScript = "o=$1; e=$2; shift 2; exec \"$@\" </dev/null >>\"$o\" 2>>\"$e\"";
    private const int SigKill = 9;

    private readonly Process _process;

    private ProcessGroup(Process process, bool ownGroup)
    {
        _process = process;
        OwnGroup = ownGroup;
    }

    /// <summary>False where setsid is missing: then only the process tree can be killed, not escaped children.</summary>
    public bool OwnGroup { get; }

    /// <exception cref="System.ComponentModel.Win32Exception">The process could not be started.</exception>
    public static ProcessGroup Start(ProcessLaunch launch)
    {
        var ownGroup = File.Exists(SetsidPath);
        var info = new ProcessStartInfo(ownGroup ? SetsidPath : "/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
        };
        if (ownGroup) info.ArgumentList.Add("/bin/sh");
        foreach (var argument in new[] { "-c", RedirectScript, "sh", launch.StdoutPath, launch.StderrPath, launch.Executable })
            info.ArgumentList.Add(argument);
        foreach (var argument in launch.Arguments) info.ArgumentList.Add(argument);
        info.Environment.Clear();
        foreach (var (name, value) in launch.Environment) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("The process did not start.");
        return new ProcessGroup(process, ownGroup);
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>
    /// SIGKILL to the whole group, and to the tree as .NET sees it (which covers the instant before setsid ran,
    /// when the group does not exist yet). Safe to call repeatedly and after exit.
    /// </summary>
    public void Kill()
    {
        if (OwnGroup && !OperatingSystem.IsWindows()) _ = kill(-_process.Id, SigKill);
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { /* already gone */ }
        catch (System.ComponentModel.Win32Exception) { /* raced with exit */ }
    }

    /// <summary>After the main process exited: whatever it left running in its group goes too (no orphans, ever).</summary>
    public void KillLeftovers()
    {
        if (OwnGroup && !OperatingSystem.IsWindows()) _ = kill(-_process.Id, SigKill);
    }

    public void Dispose() => _process.Dispose();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
