using System.Diagnostics;

namespace BatchWords;

/// <summary>
/// Finds Azurite's blob main.js the ways users install it, in this order: $BATCHWORDS_AZURITE; the copy
/// Install-BwLocalStack puts under $BATCHWORDS_HOME; the global npm root ('npm root -g') and an 'azurite-blob'
/// on PATH; the repository's node_modules above the module (a development build in &lt;repo&gt;/out/BatchWords).
/// When none has it, the error lists every place it looked and the command that installs it.
/// </summary>
internal sealed class AzuriteLocator
{
    /// <summary>Where Azurite's blob entry point lies inside an npm package folder (node_modules/azurite).</summary>
    internal const string MainScriptInPackage = "dist/src/blob/main.js";

    /// <summary>The command that installs Azurite for BatchWords (named in the not-found error).</summary>
    internal const string InstallCommand = "Install-BwLocalStack";

    private readonly AzuriteSearchPlaces _places;

    public AzuriteLocator(AzuriteSearchPlaces places) => _places = places;

    /// <summary>The search this process would make: its environment, npm and the module's own folder.</summary>
    public static AzuriteLocator ForCurrentProcess(string? startDirectory = null) => new(new AzuriteSearchPlaces(
        Configured: Environment.GetEnvironmentVariable("BATCHWORDS_AZURITE"),
        BatchWordsHome: LocalStackInstallation.DefaultHome(),
        NpmGlobalRoot: NpmGlobalRoot,
        PathVariable: Environment.GetEnvironmentVariable("PATH"),
        StartDirectory: startDirectory ?? Path.GetDirectoryName(typeof(AzuriteLocator).Assembly.Location) ?? AppContext.BaseDirectory));

    public string Locate()
    {
        var looked = new List<string>();
        if (!string.IsNullOrEmpty(_places.Configured))
        {
            if (File.Exists(_places.Configured)) return Path.GetFullPath(_places.Configured);
            // Set but wrong: a mistake to fix, not a reason to quietly use another copy.
            throw new BwException(BwErrorKind.ObjectNotFound, "AzuriteNotFound",
                $"BATCHWORDS_AZURITE points to '{_places.Configured}', which does not exist.", _places.Configured,
                "Set BATCHWORDS_AZURITE to the path of node_modules/azurite/dist/src/blob/main.js, or unset it.");
        }
        looked.Add("BATCHWORDS_AZURITE (not set)");

        var installed = LocalStackInstallation.MainScriptPath(_places.BatchWordsHome);
        if (File.Exists(installed)) return installed;
        looked.Add($"{installed} (Install-BwLocalStack's copy under BATCHWORDS_HOME)");

        var npmRoot = _places.NpmGlobalRoot();
        if (npmRoot is not null)
        {
            var global = Path.Combine(npmRoot, "azurite", MainScriptInPackage);
            if (File.Exists(global)) return global;
            looked.Add($"{global} (npm root -g)");
        }
        else looked.Add("the global npm root (npm is not on PATH or 'npm root -g' failed)");

        if (FromAzuriteBlobOnPath() is { } onPath) return onPath;
        looked.Add("azurite-blob on PATH (none)");

        for (var dir = new DirectoryInfo(_places.StartDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", "azurite", MainScriptInPackage);
            if (File.Exists(candidate)) return candidate;
        }
        looked.Add($"node_modules/azurite in '{_places.StartDirectory}' and the folders above it (a development build)");

        throw new BwException(BwErrorKind.NotInstalled, "AzuriteNotFound",
            "Azurite (the storage emulator of the Local backend) is not installed. Looked in: " + string.Join("; ", looked) + ".",
            installed,
            $"Run '{InstallCommand}' (it needs Node.js 20 or later with npm) to install the pinned Azurite under BATCHWORDS_HOME, " +
            "or set BATCHWORDS_AZURITE to an Azurite blob main.js.");
    }

    /// <summary>
    /// main.js behind an 'azurite-blob' on PATH: npm installs it as a symlink to the package's main.js (or, with
    /// some prefixes, as a shim script beside lib/node_modules), so the package folder is found from either.
    /// </summary>
    private string? FromAzuriteBlobOnPath()
    {
        var name = OperatingSystem.IsWindows() ? "azurite-blob.cmd" : "azurite-blob";
        foreach (var dir in (_places.PathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var command = Path.Combine(dir, name);
            if (!File.Exists(command)) continue;
            var target = new FileInfo(command).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is not null && target.EndsWith(Path.Combine("blob", "main.js"), StringComparison.Ordinal) && File.Exists(target))
                return target;
            foreach (var prefix in new[] { Path.Combine(dir, "..", "lib", "node_modules"), Path.Combine(dir, "node_modules") })
            {
                var candidate = Path.GetFullPath(Path.Combine(prefix, "azurite", MainScriptInPackage));
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>'npm root -g', or null when npm is missing or fails (it is only one of the places to look).</summary>
    private static string? NpmGlobalRoot()
    {
        var npm = NodeLocator.TryFind("npm");
        if (npm is null) return null;
        try
        {
            var start = new ProcessStartInfo(npm, "root -g")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(15_000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            var root = output.GetAwaiter().GetResult().Trim();
            return process.ExitCode == 0 && root.Length > 0 ? root : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException) { return null; }
    }
}

/// <summary>
/// Where <see cref="AzuriteLocator"/> looks, given explicitly so tests can point every place at folders of their own.
/// </summary>
/// <param name="Configured">$BATCHWORDS_AZURITE: a main.js to use as is.</param>
/// <param name="BatchWordsHome">$BATCHWORDS_HOME (default ~/.batchwords): Install-BwLocalStack installs below it.</param>
/// <param name="NpmGlobalRoot">Runs 'npm root -g'; null when npm is missing or fails.</param>
/// <param name="PathVariable">$PATH, searched for azurite-blob.</param>
/// <param name="StartDirectory">Where the walk up to a repository's node_modules starts (the module's folder).</param>
internal sealed record AzuriteSearchPlaces(
    string? Configured,
    string BatchWordsHome,
    Func<string?> NpmGlobalRoot,
    string? PathVariable,
    string StartDirectory);
