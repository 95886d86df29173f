namespace BatchWords;

/// <summary>
/// Finds the dotnet host that runs the Batch emulator (a framework-dependent ASP.NET Core app), so a
/// missing .NET runtime is a clear error rather than a shell message in a log file.
/// </summary>
internal static class DotnetLocator
{
    public static string Find()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        // Set by the dotnet CLI for the processes it runs (tests, build scripts): the very host running us.
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath)) return hostPath;
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name) return self;

        var candidates = new List<string>();
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            candidates.Add(Path.Combine(dir, name));
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root) candidates.Add(Path.Combine(root, name));
        candidates.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", name));
        candidates.Add("/usr/share/dotnet/" + name);
        candidates.Add("/usr/lib/dotnet/" + name);
        candidates.Add("/usr/local/share/dotnet/" + name);
        foreach (var candidate in candidates)
            if (File.Exists(candidate)) return candidate;
        throw new BwException(BwErrorKind.ObjectNotFound, "DotnetNotFound",
            "The .NET runtime ('dotnet') was not found; the Local backend runs the BatchWords Batch emulator with it.", "dotnet",
            "Install the .NET 8 (or later) runtime with ASP.NET Core (for example the .NET SDK), or put dotnet on PATH, then connect again.");
    }
}
