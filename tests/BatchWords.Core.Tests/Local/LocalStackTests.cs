using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Local;

/// <summary>
/// The Local backend's lifecycle with a real, disk-backed Azurite under a temporary state directory (the
/// user's ~/.batchwords is never touched): start, reuse by a second connect, stop with SIGTERM.
/// </summary>
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
        Assert.Equal(BwBackend.Local, first.Backend);
        Assert.Equal("devstoreaccount1", first.StorageAccountName);
        Assert.Null(first.BatchEndpoint);
        Assert.Equal($"{state.Endpoint.ToString().TrimEnd('/')}/devstoreaccount1", first.BlobEndpoint.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(statePath));
        Assert.Equal(ContainerStatus.Created, (await new BwStorageClient(first).CreateContainerAsync("persisted")).Status);

        var log = new List<string>();
        var second = await Connections.ConnectLocalAsync(new LocalConnectOptions { StateDirectory = _home.Combine("local"), Log = log.Add });

        Assert.Equal(first.BlobEndpoint, second.BlobEndpoint);
        Assert.Equal(state.ProcessId, LocalServiceState.Read(statePath)!.ProcessId);
        Assert.Contains(log, line => line.StartsWith("Reusing azurite"));

        var stopped = Assert.Single(await new LocalStack(Options()).StopAsync());
        Assert.Equal((LocalServiceStopStatus.Stopped, (int?)state.ProcessId), (stopped.Status, stopped.ProcessId));
        Assert.False(ProcessSignals.IsAlive(state.ProcessId));
        Assert.False(File.Exists(statePath));

        // SIGTERM let Azurite save its metadata: a new instance on the same data still has the container.
        var third = await Connections.ConnectLocalAsync(Options());
        Assert.Equal(ContainerStatus.Existing, (await new BwStorageClient(third).CreateContainerAsync("persisted")).Status);
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
        var result = Assert.Single(await new LocalStack(Options()).StopAsync());
        Assert.Equal(LocalServiceStopStatus.NotRunning, result.Status);
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
    public void A_missing_azurite_is_a_clear_error_telling_to_run_the_build()
    {
        var error = Assert.Throws<BwException>(() => AzuriteService.LocateMainScript("/"));
        Assert.Equal("AzuriteNotFound", error.ErrorId);
        Assert.Contains("build.ps1", error.RecommendedAction);
    }
}
