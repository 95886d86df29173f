using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Local;

/// <summary>
/// Install-BwLocalStack's logic without npm's network: what counts as already installed (so a re-run changes
/// nothing), and the errors when Node.js or npm is missing or too old (fake programs on a PATH of the test's own).
/// The real 'npm ci' runs in tests/Install.Tests.ps1.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // fake node/npm are shell scripts
public sealed class LocalStackInstallerTests : IDisposable
{
    private const string PackageJson = """{ "name": "batchwords-local-stack", "private": true, "dependencies": { "azurite": "3.37.0" } }""";
    private const string LockJson = """{ "name": "batchwords-local-stack", "lockfileVersion": 3 }""";
    private readonly TempDirectory _root = new("installer");

    public LocalStackInstallerTests()
    {
        _root.WriteFile("module/localstack/package.json", PackageJson);
        _root.WriteFile("module/localstack/package-lock.json", LockJson);
    }

    public void Dispose() => _root.Dispose();

    private LocalStackInstaller Installer(string? path = null) => new(new LocalStackInstallOptions
    {
        Home = _root.Combine("home"),
        SourceDirectory = _root.Combine("module", "localstack"),
        PathVariable = path ?? _root.Combine("bin"),
    });

    /// <summary>What a completed 'npm ci' of the shipped files leaves, with the given Azurite version.</summary>
    private void FakeInstall(string azuriteVersion, string lockJson = LockJson)
    {
        _root.WriteFile("home/azurite/package.json", PackageJson);
        _root.WriteFile("home/azurite/package-lock.json", lockJson);
        _root.WriteFile("home/azurite/node_modules/.package-lock.json", "{}");
        _root.WriteFile("home/azurite/node_modules/azurite/package.json", $$"""{ "name": "azurite", "version": "{{azuriteVersion}}" }""");
        _root.WriteFile("home/azurite/node_modules/azurite/dist/src/blob/main.js", "// azurite");
    }

    private void FakeProgram(string name, string script)
    {
        var path = _root.WriteFile("bin/" + name, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void The_pinned_version_from_the_shipped_lockfile_counts_as_installed_and_is_left_alone()
    {
        FakeInstall("3.37.0");
        var result = Installer().Inspect();
        Assert.Equal(LocalStackInstallStatus.AlreadyInstalled, result.StatusKind);
        Assert.Equal("3.37.0", result.Version);
        Assert.Equal(LocalStackInstallation.MainScriptPath(_root.Combine("home")), result.MainScript);
    }

    [Fact]
    public async Task Installing_when_the_pinned_version_is_there_runs_nothing()
    {
        FakeInstall("3.37.0");
        // No node or npm on this PATH: an install that tried to run them would fail.
        var result = await Installer().InstallAsync();
        Assert.Equal(LocalStackInstallStatus.AlreadyInstalled, result.StatusKind);
    }

    [Theory]
    [InlineData("3.36.0", LockJson)]
    [InlineData("3.37.0", """{ "name": "batchwords-local-stack", "lockfileVersion": 3, "older": true }""")]
    public void Another_version_or_lockfile_is_not_installed(string version, string lockJson)
    {
        FakeInstall(version, lockJson);
        var result = Installer().Inspect();
        Assert.Equal(LocalStackInstallStatus.NotInstalled, result.StatusKind);
        Assert.Equal(version, result.InstalledVersion);
    }

    [Fact]
    public void An_interrupted_install_is_not_installed()
    {
        FakeInstall("3.37.0");
        File.Delete(_root.Combine("home", "azurite", "node_modules", ".package-lock.json"));
        Assert.Equal(LocalStackInstallStatus.NotInstalled, Installer().Inspect().StatusKind);
    }

    [Fact]
    public void Without_node_it_says_what_it_needs()
    {
        var error = Assert.Throws<BwException>(() => Installer().CheckPrerequisites());
        Assert.Equal("NodeJsNotFound", error.ErrorId);
        Assert.Equal(BwErrorKind.NotInstalled, error.Kind);
        Assert.Contains("Node.js 20", error.Message);
    }

    [Fact]
    public void An_old_node_is_named_with_its_version()
    {
        FakeProgram("node", "echo v18.19.1");
        FakeProgram("npm", "exit 0");
        var error = Assert.Throws<BwException>(() => Installer().CheckPrerequisites());
        Assert.Equal("NodeJsTooOld", error.ErrorId);
        Assert.Contains("v18.19.1", error.Message);
    }

    [Fact]
    public void Node_without_npm_is_an_error_too()
    {
        FakeProgram("node", "echo v20.20.2");
        var error = Assert.Throws<BwException>(() => Installer().CheckPrerequisites());
        Assert.Equal("NpmNotFound", error.ErrorId);
    }

    [Fact]
    public async Task A_failing_npm_ci_is_reported_with_its_exit_code_and_output()
    {
        FakeProgram("node", "echo v20.20.2");
        FakeProgram("npm", "echo 'npm error 404 Not Found - GET azurite' >&2; exit 1");
        var error = await Assert.ThrowsAsync<BwException>(() => Installer().InstallAsync());
        Assert.Equal("LocalStackInstallFailed", error.ErrorId);
        Assert.Contains("exit code 1", error.Message);
        Assert.Contains("404 Not Found", error.Message);
        // The shipped files were copied; nothing else was made.
        Assert.True(File.Exists(_root.Combine("home", "azurite", "package-lock.json")));
    }

    /// <summary>Progress reported synchronously, so a test can wait for a step (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class StepLog : IProgress<LocalStackInstallStep>
    {
        private readonly List<string> _steps = new();
        public void Report(LocalStackInstallStep value) { lock (_steps) _steps.Add(value.Activity); }
        public bool Saw(string start) { lock (_steps) return _steps.Any(s => s.StartsWith(start, StringComparison.Ordinal)); }
    }

    [Fact]
    public async Task A_second_install_waits_for_the_first_and_then_finds_it_done()
    {
        FakeInstall("3.36.0");
        // npm would leave a mark: the waiting install must not run it once the first has installed.
        FakeProgram("node", "echo v20.20.2");
        FakeProgram("npm", $"touch '{_root.Combine("npm-ran")}'; exit 1");
        var firstInstall = new FileStream(_root.Combine("home", "azurite.install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var steps = new StepLog();
        var second = Installer().InstallAsync(steps);

        for (var i = 0; i < 600 && !steps.Saw("Waiting for another Install-BwLocalStack"); i++) await Task.Delay(50);
        Assert.True(steps.Saw("Waiting for another Install-BwLocalStack"), "the second install did not wait for the lock");
        Assert.False(second.IsCompleted);
        FakeInstall("3.37.0"); // what the first install leaves
        firstInstall.Dispose();

        var result = await second;
        Assert.Equal(LocalStackInstallStatus.AlreadyInstalled, result.StatusKind);
        Assert.False(File.Exists(_root.Combine("npm-ran")));
    }

    [Fact]
    public async Task An_upgrade_under_a_running_Azurite_is_refused_and_changes_nothing()
    {
        FakeInstall("3.36.0");
        FakeProgram("node", "echo v20.20.2");
        FakeProgram("npm", $"touch '{_root.Combine("npm-ran")}'; exit 0");
        // A process whose command line runs Azurite's main.js from the install folder, as node does; "; :" keeps
        // sh from exec'ing sleep, so the path stays in its command line.
        var mainScript = LocalStackInstallation.MainScriptPath(_root.Combine("home"));
        using var azurite = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "sleep 60; :", mainScript } })!;
        try
        {
            var error = await Assert.ThrowsAsync<BwException>(() => Installer().InstallAsync());
            Assert.Equal(BwErrorIds.LocalStackInUse, error.ErrorId);
            Assert.Equal(BwErrorKind.ResourceUnavailable, error.Kind);
            Assert.Contains($"pid {azurite.Id}", error.Message);
            Assert.Contains("Disconnect-BwAccount -StopLocalServices", error.RecommendedAction);
            Assert.False(File.Exists(_root.Combine("npm-ran")));
            Assert.Equal("3.36.0", Installer().Inspect().InstalledVersion);
        }
        finally { azurite.Kill(); }
    }
}
