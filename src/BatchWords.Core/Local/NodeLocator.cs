namespace BatchWords;

/// <summary>Finds the node executable on PATH, so a missing Node.js is a clear error rather than a shell message in a log.</summary>
internal static class NodeLocator
{
    public static string Find()
    {
        var names = OperatingSystem.IsWindows() ? new[] { "node.exe" } : new[] { "node" };
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        throw new BwException(BwErrorKind.ObjectNotFound, "NodeNotFound",
            "Node.js ('node') is not on PATH; the Local backend runs Azurite with it.", "node",
            "Install Node.js 20 or later (for example 'apt-get install nodejs') and open a new session.");
    }
}
