namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Finds argv[0] as execvp would (§8.3): a name with a '/' is a path (relative ones from the working directory);
/// a bare name is looked up in the task's PATH, which includes the node's shared directory and the working directory.
/// </summary>
public static class ExecutableResolver
{
    public static string? Resolve(string program, string searchPath, string workingDirectory)
    {
        if (program.Length == 0) return null;
        if (program.Contains('/'))
        {
            var candidate = Path.IsPathRooted(program) ? program : Path.GetFullPath(Path.Combine(workingDirectory, program));
            return IsExecutable(candidate) ? candidate : null;
        }
        foreach (var directory in searchPath.Split(':'))
        {
            // An empty PATH entry means the current directory, as in execvp.
            var dir = directory.Length == 0 ? workingDirectory : directory;
            var candidate = Path.Combine(dir, program);
            if (IsExecutable(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    public static bool IsExecutable(string path)
    {
        try
        {
            if (!File.Exists(path)) return false; // false for directories too
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & anyExecute) != 0;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
