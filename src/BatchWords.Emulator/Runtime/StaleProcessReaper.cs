using System.Runtime.InteropServices;
using System.Text;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Finds and kills the task and start-task processes an earlier emulator on the same data directory left
/// running when it was killed (SIGKILL, a crash) before it could kill their process groups. Its state is gone,
/// so nothing would ever wait for, stop or report them; they would keep their CPU, files and ports for good.
/// A process is one of them when its working directory, or its AZ_BATCH_NODE_ROOT_DIR (which its children
/// inherit even after they change directory), lies in one of the given sandbox folders: every process the
/// emulator starts has both. Linux only (/proc); where there is no /proc there is nothing to find.
/// </summary>
internal static class StaleProcessReaper
{
    private const int SigKill = 9;
    private const string NodeRootVariable = "AZ_BATCH_NODE_ROOT_DIR=";

    /// <summary>Kills every process of this user that belongs to the folders; returns their ids.</summary>
    public static IReadOnlyList<int> KillUnder(params string[] sandboxFolders)
    {
        var killed = new List<int>();
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc")) return killed;
        // With the separator, so /data/pools2 is not taken for /data/pools.
        var roots = sandboxFolders.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)) + "/").ToArray();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid == Environment.ProcessId) continue;
            if (BelongsTo(pid, roots) && kill(pid, SigKill) == 0) killed.Add(pid);
        }
        return killed;
    }

    private static bool BelongsTo(int pid, string[] roots)
    {
        try
        {
            // A deleted directory reads as "<path> (deleted)": still under its root.
            var cwd = new FileInfo($"/proc/{pid}/cwd").LinkTarget;
            if (cwd is not null && IsUnder(cwd, roots)) return true;
            foreach (var variable in Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0'))
                if (variable.StartsWith(NodeRootVariable, StringComparison.Ordinal) && IsUnder(variable[NodeRootVariable.Length..], roots))
                    return true;
        }
        // Another user's process (not readable, and not ours to kill), or one that exited meanwhile.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return false;
    }

    private static bool IsUnder(string path, string[] roots) =>
        roots.Any(root => (path + "/").StartsWith(root, StringComparison.Ordinal));

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
