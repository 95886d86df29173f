using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Local;

/// <summary>
/// The Local backend's lifecycle with a real, disk-backed Azurite and the built Batch emulator under a
/// temporary state directory (the user's ~/.batchwords is never touched): start, reuse by a second connect,
/// stop with SIGTERM.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and SIGTERM: the Local backend is Linux/macOS
public sealed class LocalStackTests : IDisposable
{
    private readonly TempDirectory _home = new("local-stack");

    public void Dispose()
    {
        // Never leave an Azurite behind, even when an assertion failed half-way.
        new LocalStack(Options()).StopAsync().GetAwaiter().GetResult();
        _home.Dispose();
    }

    private LocalConnectOptions Options() => new() { StateDirectory = _home.Combine("local") };

    [Fact]
    public async Task Connect_starts_then_reuses_and_stop_terminates_keeping_the_data()
    {
        var first = await Connections.ConnectLocalAsync(Options());
        var statePath = _home.Combine("local", "azurite.json");
        var state = LocalServiceState.Read(statePath)!;
        Assert.True(ProcessSignals.IsAlive(state.ProcessId));
        Assert.Equal(BwBackend.Local, first.BackendKind);
        Assert.Equal("devstoreaccount1", first.StorageAccountName);
        var emulator = LocalServiceState.Read(_home.Combine("local", "batch-emulator.json"))!;
        Assert.True(ProcessSignals.IsAlive(emulator.ProcessId));
        Assert.Equal(emulator.Endpoint, first.BatchEndpoint);
        Assert.Equal("127.0.0.1", first.BatchEndpoint!.Host);
        Assert.Equal((nameof(BatchAuthentication.SharedKey), "localbatch"), (first.BatchAuthentication, first.BatchAccountName));
        var keyPath = _home.Combine("local", "batch-emulator.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        Assert.DoesNotContain(File.ReadAllText(keyPath).Trim(), File.ReadAllText(_home.Combine("local", "batch-emulator.json")));
        Assert.DoesNotContain(File.ReadAllText(keyPath).Trim(), ProcessSignals.CommandLine(emulator.ProcessId) ?? "");
        Assert.Equal($"{state.Endpoint.ToString().TrimEnd('/')}/devstoreaccount1", first.BlobEndpoint.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(statePath));
        Assert.Equal(ContainerStatus.Created, (await new BwStorageClient(first).CreateContainerAsync("persisted")).StatusKind);

        var log = new List<string>();
        var second = await Connections.ConnectLocalAsync(new LocalConnectOptions { StateDirectory = _home.Combine("local"), Log = log.Add });

        Assert.Equal(first.BlobEndpoint, second.BlobEndpoint);
        Assert.Equal(first.BatchEndpoint, second.BatchEndpoint);
        Assert.Equal(state.ProcessId, LocalServiceState.Read(statePath)!.ProcessId);
        Assert.Contains(log, line => line.StartsWith("Reusing azurite"));
        Assert.Contains(log, line => line.StartsWith("Reusing batch-emulator"));

        var stopped = await new LocalStack(Options()).StopAsync();
        Assert.Equal(new[] { "batch-emulator", "azurite" }, stopped.Select(s => s.Name));
        Assert.All(stopped, s => Assert.Equal(LocalServiceStopStatus.Stopped, s.StatusKind));
        Assert.Equal((int?)state.ProcessId, stopped[1].ProcessId);
        Assert.False(ProcessSignals.IsAlive(state.ProcessId));
        Assert.False(ProcessSignals.IsAlive(emulator.ProcessId));
        Assert.False(File.Exists(statePath));

        // SIGTERM let Azurite save its metadata: a new instance on the same data still has the container.
        var third = await Connections.ConnectLocalAsync(Options());
        Assert.Equal(ContainerStatus.Existing, (await new BwStorageClient(third).CreateContainerAsync("persisted")).StatusKind);
    }

    [Fact]
    public async Task A_stale_state_file_whose_process_is_gone_starts_a_new_instance()
    {
        var directory = _home.Combine("local");
        Directory.CreateDirectory(directory);
        new LocalServiceState("azurite", int.MaxValue - 1, new Uri("http://127.0.0.1:9"), DateTimeOffset.UtcNow, "x.log")
            .Write(Path.Combine(directory, "azurite.json"));

        var context = await Connections.ConnectLocalAsync(Options());

        Assert.NotEqual(9, context.BlobEndpoint.Port);
        Assert.True(ProcessSignals.IsAlive(LocalServiceState.Read(Path.Combine(directory, "azurite.json"))!.ProcessId));
    }

    [Fact]
    public async Task Stop_with_nothing_running_reports_NotRunning()
    {
        var results = await new LocalStack(Options()).StopAsync();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(LocalServiceStopStatus.NotRunning, r.StatusKind));
    }

    [Fact]
    public async Task A_lost_emulator_key_restarts_the_emulator_with_a_new_one_instead_of_failing_every_request()
    {
        var first = await Connections.ConnectLocalAsync(Options());
        var firstPid = LocalServiceState.Read(_home.Combine("local", "batch-emulator.json"))!.ProcessId;
        File.Delete(_home.Combine("local", "batch-emulator.key"));

        var second = await Connections.ConnectLocalAsync(Options());

        Assert.False(ProcessSignals.IsAlive(firstPid));
        await foreach (var _ in new PoolOperations(second).GetPoolsAsync()) { }
    }

    [Fact]
    public void The_state_directory_follows_BATCHWORDS_HOME()
    {
        var previous = Environment.GetEnvironmentVariable("BATCHWORDS_HOME");
        try
        {
            Environment.SetEnvironmentVariable("BATCHWORDS_HOME", _home.Path);
            Assert.Equal(Path.Combine(_home.Path, "local"), new LocalStack(new LocalConnectOptions()).StateDirectory);
        }
        finally { Environment.SetEnvironmentVariable("BATCHWORDS_HOME", previous); }
    }

    [Fact]
    public void A_missing_emulator_is_a_clear_error_telling_to_run_the_build()
    {
        var error = Assert.Throws<BwException>(() => BatchEmulatorService.LocateAssembly(configured: null, startDirectory: "/"));
        Assert.Equal("EmulatorNotFound", error.ErrorId);
        Assert.Contains("build.ps1", error.RecommendedAction);
    }

    [Fact]
    public async Task A_connect_that_cannot_find_Azurite_starts_no_emulator_either()
    {
        var previous = Environment.GetEnvironmentVariable("BATCHWORDS_AZURITE");
        Environment.SetEnvironmentVariable("BATCHWORDS_AZURITE", _home.Combine("no", "main.js"));
        try
        {
            var error = await Assert.ThrowsAsync<BwException>(() => Connections.ConnectLocalAsync(Options()));
            Assert.Equal("AzuriteNotFound", error.ErrorId);
        }
        finally { Environment.SetEnvironmentVariable("BATCHWORDS_AZURITE", previous); }

        // Before, the emulator was started next to it and left running, detached, with no context to use it.
        Assert.False(File.Exists(_home.Combine("local", "batch-emulator.json")));
        Assert.False(Directory.Exists(_home.Combine("local", "batch-emulator-data")));
    }

    // Where Azurite is looked for, and the error when it is nowhere: AzuriteLocatorTests.
}
