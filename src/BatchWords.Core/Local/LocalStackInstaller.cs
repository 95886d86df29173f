using System.Diagnostics;
using System.Text.Json;

namespace BatchWords;

/// <summary>
/// Installs the local stack's one outside program, Azurite, for a user who got the module from a gallery: 'npm ci'
/// from the package.json and package-lock.json the module ships (localstack/), into $BATCHWORDS_HOME/azurite,
/// where <see cref="AzuriteLocator"/> looks. The lockfile pins Azurite and every package under it, so each user
/// gets the version the module was tested with. Installing again when that version is there changes nothing.
/// </summary>
public sealed class LocalStackInstaller
{
    /// <summary>The oldest Node.js the pinned Azurite runs on.</summary>
    public const int MinimumNodeMajorVersion = 20;

    private static readonly string[] ShippedFiles = { "package.json", "package-lock.json" };
    private readonly string _home;
    private readonly string _sourceDirectory;
    private readonly string? _pathVariable;

    public LocalStackInstaller(LocalStackInstallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _home = options.Home ?? LocalStackInstallation.DefaultHome();
        _sourceDirectory = options.SourceDirectory ?? LocateShippedFiles();
        _pathVariable = options.PathVariable;
    }

    /// <summary>The folder npm installs into ($BATCHWORDS_HOME/azurite).</summary>
    public string InstallDirectory => LocalStackInstallation.AzuriteDirectory(_home);

    /// <summary>The Azurite version the shipped package.json pins.</summary>
    public string PinnedVersion => ReadDependencyVersion(Path.Combine(_sourceDirectory, "package.json"), "azurite");

    /// <summary>What is installed now, and whether it is the pinned version from the shipped lockfile (then nothing needs doing).</summary>
    public LocalStackInstallResult Inspect()
    {
        var installed = InstalledVersion();
        var upToDate = installed == PinnedVersion
            && File.Exists(LocalStackInstallation.MainScriptPath(_home))
            // npm writes this after a complete install; an interrupted 'npm ci' leaves no such file.
            && File.Exists(Path.Combine(InstallDirectory, "node_modules", ".package-lock.json"))
            && ShippedFiles.All(f => SameContent(Path.Combine(_sourceDirectory, f), Path.Combine(InstallDirectory, f)));
        return new LocalStackInstallResult("Azurite", PinnedVersion, installed, InstallDirectory,
            upToDate ? LocalStackInstallStatus.AlreadyInstalled : LocalStackInstallStatus.NotInstalled,
            upToDate ? LocalStackInstallation.MainScriptPath(_home) : null);
    }

    /// <summary>node (20 or later) and npm, as full paths; a clear NotInstalled error naming what is missing otherwise.</summary>
    public (string Node, string Npm) CheckPrerequisites()
    {
        const string Install = "Install Node.js 20 or later with npm (for example from https://nodejs.org or your distribution's nodejs and npm packages), open a new session, then run Install-BwLocalStack again.";
        var node = NodeLocator.TryFind("node", _pathVariable) ?? throw new BwException(BwErrorKind.NotInstalled, "NodeJsNotFound",
            $"Installing the local stack needs Node.js {MinimumNodeMajorVersion} or later with npm, and 'node' is not on PATH.", "node", Install);
        var version = Run(node, new[] { "--version" }, null, TimeSpan.FromSeconds(30)).Output.Trim();
        var major = int.TryParse(version.TrimStart('v').Split('.')[0], out var m) ? m : 0;
        if (major < MinimumNodeMajorVersion)
            throw new BwException(BwErrorKind.NotInstalled, "NodeJsTooOld",
                $"Installing the local stack needs Node.js {MinimumNodeMajorVersion} or later; '{node}' is {(version.Length > 0 ? version : "of an unknown version")}.", node, Install);
        var npm = NodeLocator.TryFind("npm", _pathVariable) ?? throw new BwException(BwErrorKind.NotInstalled, "NpmNotFound",
            $"Installing the local stack needs npm (Node.js {version} is installed, but 'npm' is not on PATH).", "npm", Install);
        return (node, npm);
    }

    /// <summary>
    /// Runs 'npm ci' in <see cref="InstallDirectory"/> with the shipped files, unless the pinned version is already
    /// there. Reports each step to <paramref name="progress"/>; cancelling stops npm.
    /// </summary>
    public async Task<LocalStackInstallResult> InstallAsync(IProgress<LocalStackInstallStep>? progress = null, CancellationToken cancellationToken = default)
    {
        var before = Inspect();
        if (before.StatusKind == LocalStackInstallStatus.AlreadyInstalled) return before;
        // Two sessions installing at once would run two 'npm ci' in one folder, each deleting the other's
        // node_modules; the second waits for the first, then finds its work done.
        using var installLock = await AcquireInstallLockAsync(progress, cancellationToken).ConfigureAwait(false);
        before = Inspect();
        if (before.StatusKind == LocalStackInstallStatus.AlreadyInstalled) return before;
        RefuseWhileRunning();
        progress?.Report(new LocalStackInstallStep($"Checking for Node.js {MinimumNodeMajorVersion}+ and npm", 5));
        var (_, npm) = CheckPrerequisites();

        progress?.Report(new LocalStackInstallStep($"Copying package.json and package-lock.json to {InstallDirectory}", 10));
        LocalServiceLauncher.CreatePrivateDirectory(InstallDirectory);
        foreach (var file in ShippedFiles) File.Copy(Path.Combine(_sourceDirectory, file), Path.Combine(InstallDirectory, file), overwrite: true);

        var arguments = new[] { "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error" };
        progress?.Report(new LocalStackInstallStep($"npm {string.Join(' ', arguments)} (Azurite {PinnedVersion} and its packages)", 20));
        var npmRun = await Task.Run(() => Run(npm, arguments, InstallDirectory, NpmTimeout, cancellationToken,
            elapsed => progress?.Report(new LocalStackInstallStep($"npm ci: {elapsed.TotalSeconds:0} s", Math.Min(90, 20 + (int)elapsed.TotalSeconds)))), cancellationToken).ConfigureAwait(false);
        if (npmRun.ExitCode != 0)
            throw new BwException(BwErrorKind.NotInstalled, "LocalStackInstallFailed",
                $"'npm ci' in {InstallDirectory} failed with exit code {npmRun.ExitCode}: {LastLines(npmRun.Errors)}", InstallDirectory,
                "Check that npm can reach its registry (npm config get registry; a proxy or mirror may need configuring), then run Install-BwLocalStack again.");

        progress?.Report(new LocalStackInstallStep("Checking the installed Azurite", 95));
        var after = Inspect();
        if (after.StatusKind != LocalStackInstallStatus.AlreadyInstalled)
            throw new BwException(BwErrorKind.NotInstalled, "LocalStackInstallFailed",
                $"'npm ci' in {InstallDirectory} succeeded, but Azurite {PinnedVersion} is not there (found {after.InstalledVersion ?? "none"}).", InstallDirectory,
                $"Remove {InstallDirectory} and run Install-BwLocalStack again.");
        return after with { StatusKind = LocalStackInstallStatus.Installed };
    }

    /// <summary>How long a second install waits for the first: as long as the first's npm may run.</summary>
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// An exclusive lock on $BATCHWORDS_HOME/azurite.install.lock, held for the whole install (the OS drops it if
    /// the process dies, so a killed install never leaves the next one waiting).
    /// </summary>
    private async Task<IDisposable> AcquireInstallLockAsync(IProgress<LocalStackInstallStep>? progress, CancellationToken cancellationToken)
    {
        LocalServiceLauncher.CreatePrivateDirectory(_home);
        var path = Path.Combine(_home, "azurite.install.lock");
        try
        {
            return await ExclusiveFileLock.AcquireAsync(path, NpmTimeout, TimeSpan.FromMilliseconds(500),
                () => progress?.Report(new LocalStackInstallStep($"Waiting for another Install-BwLocalStack into {InstallDirectory} to finish", 2)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            throw new BwException(BwErrorKind.OperationTimeout, BwErrorIds.LocalStackInstallTimeout,
                $"Another Install-BwLocalStack has held {path} for {NpmTimeout.TotalMinutes:0} min.", path,
                "Wait for the other session's install to end (or end it), then run Install-BwLocalStack again.");
        }
    }

    /// <summary>
    /// 'npm ci' deletes node_modules first: under an Azurite that runs from it (either local stack), that would pull
    /// its files away mid-request. Such an upgrade waits until the user stops Azurite; its data is not touched.
    /// </summary>
    private void RefuseWhileRunning()
    {
        var running = LocalServiceInstances.RunningFrom(InstallDirectory);
        if (running.Count == 0) return;
        throw new BwException(BwErrorKind.ResourceUnavailable, BwErrorIds.LocalStackInUse,
            $"Azurite is running from {InstallDirectory} (pid {string.Join(", ", running)}); installing Azurite {PinnedVersion} there would replace its files while it runs.",
            InstallDirectory,
            "Stop it with Disconnect-BwAccount -StopLocalServices (its data is kept), then run Install-BwLocalStack again; the next connect starts the new version.");
    }

    private string? InstalledVersion()
    {
        var package = Path.Combine(InstallDirectory, "node_modules", "azurite", "package.json");
        if (!File.Exists(package)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(package));
            return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    private static string ReadDependencyVersion(string packageJson, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
            return document.RootElement.GetProperty("dependencies").GetProperty(name).GetString()
                ?? throw new InvalidDataException($"{name} has no version");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidDataException or IOException)
        {
            throw new BwException(BwErrorKind.InvalidData, "LocalStackFilesDamaged",
                $"{packageJson} does not pin {name}: {e.Message}", packageJson, "Reinstall the BatchWords module (Install-PSResource BatchWords -Reinstall).");
        }
    }

    private static bool SameContent(string a, string b)
        => File.Exists(a) && File.Exists(b) && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));

    /// <summary>localstack/ of the built module, found by walking up from this assembly (dependencies/ of the module).</summary>
    private static string LocateShippedFiles()
    {
        var start = Path.GetDirectoryName(typeof(LocalStackInstaller).Assembly.Location) ?? AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, LocalStackInstallation.ShippedFolderName);
            if (File.Exists(Path.Combine(candidate, "package-lock.json"))) return candidate;
        }
        throw new BwException(BwErrorKind.ObjectNotFound, "LocalStackFilesNotFound",
            $"The module's {LocalStackInstallation.ShippedFolderName}/package-lock.json was not found (searched up from '{start}').", start,
            "Reinstall the BatchWords module (Install-PSResource BatchWords -Reinstall), or in a clone run the build (dotnet pwsh ./build.ps1 -Task Build).");
    }

    private sealed record ProcessRun(int ExitCode, string Output, string Errors);

    private static ProcessRun Run(string program, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout,
        CancellationToken cancellationToken = default, Action<TimeSpan>? tick = null)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        while (!process.WaitForExit(1000))
        {
            tick?.Invoke(watch.Elapsed);
            if (cancellationToken.IsCancellationRequested || watch.Elapsed > timeout)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                cancellationToken.ThrowIfCancellationRequested();
                throw new BwException(BwErrorKind.OperationTimeout, "LocalStackInstallTimeout",
                    $"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes:0} min; it was stopped.", program,
                    "Check that npm can reach its registry, then run Install-BwLocalStack again.");
            }
        }
        process.WaitForExit();
        return new ProcessRun(process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
    }

    private static string LastLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(5));
    }
}

/// <summary>Where <see cref="LocalStackInstaller"/> installs from and to.</summary>
public sealed class LocalStackInstallOptions
{
    /// <summary>BATCHWORDS_HOME to install under. Default: $BATCHWORDS_HOME, else ~/.batchwords.</summary>
    public string? Home { get; set; }

    /// <summary>The folder with the package.json and package-lock.json to install. Default: the module's localstack/.</summary>
    public string? SourceDirectory { get; set; }

    /// <summary>The PATH to find node and npm on. Default: this process's PATH.</summary>
    public string? PathVariable { get; set; }
}

/// <summary>One step of an install, for a progress bar.</summary>
public sealed record LocalStackInstallStep(string Activity, int PercentComplete);

/// <summary>What an install found or did.</summary>
public enum LocalStackInstallStatus
{
    /// <summary>The pinned version is not (completely) installed.</summary>
    NotInstalled,
    /// <summary>This run installed it.</summary>
    Installed,
    /// <summary>It was there already, at the pinned version: nothing was changed.</summary>
    AlreadyInstalled,
}

/// <summary>The local stack's Azurite as Install-BwLocalStack leaves it.</summary>
/// <param name="Component">What was installed ("Azurite").</param>
/// <param name="Version">The version the module pins.</param>
/// <param name="InstalledVersion">The version found in the install folder before (or after) the run, if any.</param>
/// <param name="InstallDirectory">$BATCHWORDS_HOME/azurite.</param>
/// <param name="Status">Installed, AlreadyInstalled, or NotInstalled (-WhatIf, or an inspection).</param>
/// <param name="MainScript">Azurite's blob main.js when installed.</param>
public sealed record LocalStackInstallResult(string Component, string Version, string? InstalledVersion, string InstallDirectory,
    LocalStackInstallStatus StatusKind, string? MainScript)
{
    /// <summary>A <see cref="LocalStackInstallStatus"/> name, as a string so ConvertTo-Json writes the name, not a number.</summary>
    public string Status => StatusKind.ToString();

    internal LocalStackInstallStatus StatusKind { get; init; } = StatusKind;
}
