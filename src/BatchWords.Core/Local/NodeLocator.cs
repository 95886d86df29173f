namespace BatchWords;

/// <summary>Finds node (and npm) on PATH, so a missing Node.js is a clear error rather than a shell message in a log.</summary>
internal static class NodeLocator
{
    public static string Find() => TryFind("node") ?? throw new BwException(BwErrorKind.NotInstalled, "NodeNotFound",
        "Node.js ('node') is not on PATH; the Local backend runs Azurite with it.", "node",
        "Install Node.js 20 or later (for example 'apt-get install nodejs') and open a new session.");

    /// <summary>The full path of a program on PATH ("node", "npm"), or null.</summary>
    public static string? TryFind(string program, string? pathVariable = null)
    {
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe", program + ".cmd" } : new[] { program };
        foreach (var dir in (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
