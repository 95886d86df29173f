using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Local;

/// <summary>
/// The order in which Azurite is looked for, with every place pointed at folders of the test's own (fake
/// installs: a main.js where each kind of install puts it), and the error that lists where it looked.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // symlinks as npm makes them on Linux/macOS
public sealed class AzuriteLocatorTests : IDisposable
{
    private const string MainJs = "azurite/dist/src/blob/main.js";
    private readonly TempDirectory _root = new("azurite-locator");

    public void Dispose() => _root.Dispose();

    private string Configured => _root.WriteFile("configured/main.js", "// BATCHWORDS_AZURITE");
    private string Home => _root.Combine("home");
    private string InHome => _root.WriteFile("home/azurite/node_modules/" + MainJs, "// Install-BwLocalStack");
    private string NpmRoot => _root.Combine("npm/lib/node_modules");
    private string InNpmRoot => _root.WriteFile("npm/lib/node_modules/" + MainJs, "// npm install -g");
    private string ModuleDirectory => Directory.CreateDirectory(_root.Combine("repo/out/BatchWords/dependencies")).FullName;
    private string InRepository => _root.WriteFile("repo/node_modules/" + MainJs, "// npm ci in a clone");

    private AzuriteLocator Locator(string? configured = null, string? npmRoot = null, string? path = null) => new(new AzuriteSearchPlaces(
        configured, Home, () => npmRoot, path ?? _root.Combine("empty-bin"), ModuleDirectory));

    [Fact]
    public void BATCHWORDS_AZURITE_comes_first()
    {
        var configured = Configured;
        _ = InHome; _ = InNpmRoot; _ = InRepository;
        Assert.Equal(configured, Locator(configured, NpmRoot).Locate());
    }

    [Fact]
    public void The_copy_under_BATCHWORDS_HOME_comes_before_npm_and_the_repository()
    {
        var inHome = InHome;
        _ = InNpmRoot; _ = InRepository;
        Assert.Equal(inHome, Locator(npmRoot: NpmRoot).Locate());
    }

    [Fact]
    public void The_global_npm_root_comes_before_the_repository()
    {
        var global = InNpmRoot;
        _ = InRepository;
        Assert.Equal(global, Locator(npmRoot: NpmRoot).Locate());
    }

    [Fact]
    public void An_azurite_blob_on_PATH_is_followed_to_its_main_js()
    {
        // npm install -g with a prefix: bin/azurite-blob -> ../lib/node_modules/azurite/dist/src/blob/main.js
        var global = InNpmRoot;
        var bin = Directory.CreateDirectory(_root.Combine("npm/bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "azurite-blob"), "../lib/node_modules/" + MainJs);
        _ = InRepository;
        Assert.Equal(global, Locator(npmRoot: null, path: _root.Combine("empty-bin") + ":" + bin).Locate());
    }

    [Fact]
    public void The_repository_node_modules_is_the_last_place()
    {
        var inRepository = InRepository;
        Assert.Equal(inRepository, Locator(npmRoot: NpmRoot).Locate());
    }

    [Fact]
    public void None_found_is_NotInstalled_naming_every_place_and_the_command_that_installs_it()
    {
        var error = Assert.Throws<BwException>(() => Locator(npmRoot: NpmRoot).Locate());

        Assert.Equal("AzuriteNotFound", error.ErrorId);
        Assert.Equal(BwErrorKind.NotInstalled, error.Kind);
        Assert.Equal(LocalStackInstallation.MainScriptPath(Home), error.Target);
        Assert.Contains("Install-BwLocalStack", error.RecommendedAction);
        Assert.Contains("BATCHWORDS_AZURITE (not set)", error.Message);
        Assert.Contains(LocalStackInstallation.MainScriptPath(Home), error.Message);
        Assert.Contains(Path.Combine(NpmRoot, MainJs), error.Message);
        Assert.Contains("azurite-blob on PATH", error.Message);
        Assert.Contains(ModuleDirectory, error.Message);
        // In the order they were searched.
        var order = new[] { "BATCHWORDS_AZURITE", LocalStackInstallation.MainScriptPath(Home), Path.Combine(NpmRoot, MainJs), "azurite-blob", ModuleDirectory }
            .Select(place => error.Message.IndexOf(place, StringComparison.Ordinal)).ToList();
        Assert.Equal(order.OrderBy(i => i), order);
    }

    [Fact]
    public void Without_npm_the_error_says_so()
    {
        var error = Assert.Throws<BwException>(() => Locator(npmRoot: null).Locate());
        Assert.Contains("npm is not on PATH", error.Message);
    }

    [Fact]
    public void A_BATCHWORDS_AZURITE_that_does_not_exist_is_an_error_even_when_another_copy_exists()
    {
        _ = InHome;
        var missing = _root.Combine("nowhere", "main.js");
        var error = Assert.Throws<BwException>(() => Locator(missing).Locate());
        Assert.Equal("AzuriteNotFound", error.ErrorId);
        Assert.Equal(missing, error.Target);
        Assert.Contains("BATCHWORDS_AZURITE", error.RecommendedAction);
    }
}
