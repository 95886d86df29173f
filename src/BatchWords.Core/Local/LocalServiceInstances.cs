using System.Runtime.InteropServices;

namespace BatchWords;

/// <summary>
/// Finds the running instances of a local service on one data folder without trusting its state file (which
/// can be damaged, deleted, or written by an older BatchWords): on Linux, every process of ours in /proc that
/// has the data folder's lock file open, or whose arguments name the data folder (an instance started before
/// the lock existed), and whose command line is the service's. Elsewhere there is no /proc: only the pid the
/// state file records is known.
/// </summary>
internal static class LocalServiceInstances
{
    public static IReadOnlyList<int> Find(LocalServiceIdentity identity, string dataDirectory, int? recordedProcessId)
    {
        var found = new SortedSet<int>();
        if (recordedProcessId is { } recorded && ProcessSignals.IsAlive(recorded) && CommandLineMatches(recorded, identity.CommandLineMarker))
            found.Add(recorded);
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc")) return found.ToList();

        var folders = new HashSet<string>(StringComparer.Ordinal) { Path.TrimEndingDirectorySeparator(dataDirectory) };
        if (RealPath(dataDirectory) is { } realFolder) folders.Add(realFolder);
        var lockPath = RealPath(Path.Combine(dataDirectory, identity.DataLockFileName));
        foreach (var (pid, arguments) in OtherProcesses())
        {
            if (!arguments.Any(a => a.Contains(identity.CommandLineMarker, StringComparison.Ordinal))) continue;
            if (arguments.Any(folders.Contains) || (lockPath is not null && HasOpen(pid, lockPath)))
                if (ProcessSignals.IsAlive(pid)) found.Add(pid);
        }
        return found.ToList();
    }

    /// <summary>
    /// The processes of this user whose command line runs a program from inside <paramref name="programFolder"/>
    /// (e.g. node on $BATCHWORDS_HOME/azurite/node_modules/azurite/dist/src/blob/main.js), whichever data folder
    /// they serve; empty where there is no /proc.
    /// </summary>
    public static IReadOnlyList<int> RunningFrom(string programFolder)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc")) return Array.Empty<int>();
        var prefixes = new List<string> { Path.TrimEndingDirectorySeparator(programFolder) + "/" };
        if (RealPath(programFolder) is { } real) prefixes.Add(Path.TrimEndingDirectorySeparator(real) + "/");
        return OtherProcesses()
            .Where(p => p.Arguments.Any(a => prefixes.Any(prefix => a.StartsWith(prefix, StringComparison.Ordinal))) && ProcessSignals.IsAlive(p.Pid))
            .Select(p => p.Pid).Order().ToList();
    }

    /// <summary>Pids are reused: where /proc exists, the process must still be the one we started.</summary>
    public static bool CommandLineMatches(int pid, string marker)
    {
        var commandLine = ProcessSignals.CommandLine(pid);
        return commandLine is null || commandLine.Contains(marker, StringComparison.Ordinal);
    }

    /// <summary>Every process in /proc but this one whose command line can be read (ours; others' exit or hide it).</summary>
    private static IEnumerable<(int Pid, string[] Arguments)> OtherProcesses()
    {
        var self = Environment.ProcessId;
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(entry), out var pid) && pid != self && Arguments(pid) is { } arguments)
                yield return (pid, arguments);
    }

    private static string[]? Arguments(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; } // exited, or not ours
    }

    private static bool HasOpen(int pid, string path)
    {
        try
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                if (string.Equals(new FileInfo(descriptor).LinkTarget, path, StringComparison.Ordinal)) return true;
        }
        // Another user's process (its descriptors are not ours to read), or one that exited meanwhile.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return false;
    }

    /// <summary>The path with every symbolic link resolved, as /proc shows open files; null when it does not exist.</summary>
    private static string? RealPath(string path)
    {
        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(resolved); }
        finally { free(resolved); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
