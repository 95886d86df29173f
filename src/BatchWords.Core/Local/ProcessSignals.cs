using System.Runtime.InteropServices;

namespace BatchWords;

/// <summary>
/// Liveness checks and SIGTERM for processes we did not start in this session (so no Process handle):
/// detached services recorded in a state file. Never SIGKILL: Azurite saves its metadata every 5 s and a
/// kill loses recent writes.
/// </summary>
internal static class ProcessSignals
{
    private const int SIGTERM = 15;
    private const int EPERM = 1;

    // DllImport rather than LibraryImport: no unsafe code needed for two ints.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>True when the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        if (OperatingSystem.IsWindows())
        {
            try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
            catch (ArgumentException) { return false; }
        }
        if (Kill(pid, 0) != 0 && Marshal.GetLastPInvokeError() != EPERM /* exists, not ours */) return false;
        // A zombie still answers kill(0); /proc tells on Linux, elsewhere trust kill.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return true;
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException) { return false; }
    }

    /// <summary>The process's command line when the platform exposes it (Linux /proc), else null.</summary>
    public static string? CommandLine(int pid)
    {
        var path = $"/proc/{pid}/cmdline";
        try { return File.Exists(path) ? File.ReadAllText(path).Replace('\0', ' ') : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Asks the process to exit (SIGTERM). Returns false when it no longer exists.</summary>
    public static bool Terminate(int pid)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Stopping local services needs SIGTERM (Linux or macOS).");
        return Kill(pid, SIGTERM) == 0;
    }
}
