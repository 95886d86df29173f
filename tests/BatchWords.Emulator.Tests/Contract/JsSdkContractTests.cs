using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Emulator.Tests.Contract;

/// <summary>
/// Issue 12, fidelity: the official JavaScript SDK (@azure/batch 10.2.0, the repository's pinned devDependency)
/// runs the tutorial flow against the emulator: tests/js-sdk/contract.mjs, with its default api-version and
/// shared-key credentials. This test starts the emulator and Azurite, uploads the tutorial's inputs, hands their
/// SAS URLs to the script and checks what its tasks uploaded. The emulator keeps deleting/terminating visible for
/// 2 s here, so the script's polls surely see them.
/// </summary>
public sealed class JsSdkContractTests : IAsyncLifetime
{
    private readonly EmulatorFixture _emulator = new() { TransientStateStay = TimeSpan.FromSeconds(2) };
    private readonly AzuriteFixture _azurite = new();
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public JsSdkContractTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.WhenAll(_emulator.InitializeAsync(), _azurite.InitializeAsync());

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    /// <summary>The repository root: the folder with package.json and tests/js-sdk, above the test assembly.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && Directory.Exists(Path.Combine(dir.FullName, "tests", "js-sdk"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (package.json, tests/js-sdk) is not above " + AppContext.BaseDirectory);
    }

    private static string TutorialData(string root)
    {
        var data = Path.GetFullPath(Path.Combine(root, "..", "shared", "tutorial-data"));
        if (!Directory.EnumerateFiles(data, "*.txt").Any()) throw new InvalidOperationException("The tutorial data is missing: " + data);
        return data;
    }

    [Fact]
    public async Task The_official_js_sdk_runs_the_tutorial_flow()
    {
        var root = RepositoryRoot();
        if (!File.Exists(Path.Combine(root, "node_modules", "@azure", "batch", "package.json")))
            throw new InvalidOperationException("@azure/batch is not installed: run `npm ci` (with dev dependencies) in " + root + ", as build.ps1 -Task Test does.");

        var inputContainer = await _azurite.NewContainerAsync("js-in");
        var outputContainer = await _azurite.NewContainerAsync("js-out");
        var inputs = new JsonArray();
        var expected = new Dictionary<string, int>();
        var files = Directory.EnumerateFiles(TutorialData(root), "*.txt").Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            var blob = inputContainer.GetBlobClient(Path.GetFileName(files[i]));
            await blob.UploadAsync(files[i]);
            inputs.Add(new JsonObject { ["name"] = Path.GetFileName(files[i]), ["url"] = AzuriteFixture.ReadSas(blob).ToString() });
            expected[$"count-{i}"] = (await File.ReadAllTextAsync(files[i])).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }

        var start = new ProcessStartInfo("node", Path.Combine(root, "tests", "js-sdk", "contract.mjs"))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["BW_BATCH_URL"] = _emulator.BaseUri.ToString().TrimEnd('/'),
                ["BW_BATCH_ACCOUNT"] = EmulatorFixture.Account,
                ["BW_BATCH_KEY"] = _emulator.Key,
                ["BW_INPUTS"] = inputs.ToJsonString(),
                ["BW_OUTPUT_SAS"] = AzuriteFixture.WriteSas(outputContainer).ToString(),
                ["BW_ID"] = "js-" + Guid.NewGuid().ToString("N")[..8],
            },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try { await node.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException("contract.mjs did not finish within 3 minutes: " + await stderr);
        }
        Assert.True(node.ExitCode == 0, $"contract.mjs failed (exit {node.ExitCode}):\n{await stderr}\n{await stdout}");

        var summary = JsonNode.Parse((await stdout).Trim().Split('\n')[^1])!.AsObject();
        _output.WriteLine("contract.mjs: " + summary.ToJsonString());
        Assert.Equal("2022-10-01.16.0", (string?)summary["apiVersion"]);
        Assert.Equal(new[] { "terminating", "completed" }, summary["terminateStates"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(new[] { "deleting", "gone" }, summary["jobDeleteStates"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(new[] { "deleting", "gone" }, summary["poolDeleteStates"]!.AsArray().Select(s => (string?)s));

        // What the SDK's tasks uploaded: each count (taskSuccess) and the failing task's logs (taskFailure, taskCompletion).
        foreach (var (taskId, words) in expected)
        {
            Assert.Equal(words.ToString(), (string?)summary["counts"]![taskId]);
            var uploaded = (await outputContainer.GetBlobClient($"{taskId}/count.txt").DownloadContentAsync()).Value.Content.ToString();
            Assert.Equal(words.ToString(), uploaded.Trim());
        }
        var blobs = new List<string>();
        await foreach (var item in outputContainer.GetBlobsAsync()) blobs.Add(item.Name);
        Assert.DoesNotContain("fails/count.txt", blobs);
        Assert.Contains("fails/logs/stderr.txt", blobs);
        Assert.Equal("broken\n", (await outputContainer.GetBlobClient("fails/logs/stderr.txt").DownloadContentAsync()).Value.Content.ToString());
    }
}
