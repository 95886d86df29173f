namespace BatchWords;

/// <summary>
/// The Local backend's services for this user: Azurite (storage) and the BatchWords Batch emulator, each
/// reused when a recorded instance is alive and answers, started detached otherwise.
/// </summary>
public sealed class LocalStack
{
    private readonly LocalServiceLauncher _launcher;

    public LocalStack(LocalConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        StateDirectory = options.StateDirectory ?? DefaultStateDirectory();
        _launcher = new LocalServiceLauncher(StateDirectory, options.StartTimeout, options.Log);
    }

    /// <summary>Where data, logs and state files live: $BATCHWORDS_HOME/local, default ~/.batchwords/local.</summary>
    public string StateDirectory { get; }

    public static string DefaultStateDirectory()
    {
        var home = Environment.GetEnvironmentVariable("BATCHWORDS_HOME");
        if (string.IsNullOrEmpty(home))
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".batchwords");
        return Path.Combine(home, "local");
    }

    /// <summary>Throws the clear "not installed" error of the first program the stack cannot find (node, Azurite, the emulator).</summary>
    internal static void LocatePrograms()
    {
        AzuriteService.LocateMainScript();
        NodeLocator.Find();
        BatchEmulatorService.LocateAssembly();
        DotnetLocator.Find();
    }

    /// <summary>Azurite's blob endpoint (http://127.0.0.1:port), starting Azurite if it is not running.</summary>
    public async Task<Uri> EnsureStorageAsync(CancellationToken cancellationToken = default)
    {
        var azurite = AzuriteService.Define(AzuriteService.LocateMainScript());
        var state = await _launcher.EnsureRunningAsync(azurite, cancellationToken).ConfigureAwait(false);
        return state.Endpoint;
    }

    /// <summary>The Batch emulator's endpoint and account key, starting the emulator if it is not running.</summary>
    internal async Task<(Uri Endpoint, string AccountKey)> EnsureBatchAsync(CancellationToken cancellationToken = default)
    {
        var assembly = BatchEmulatorService.LocateAssembly();
        LocalServiceLauncher.CreatePrivateDirectory(StateDirectory);
        var (key, created) = EmulatorAccountKey.ReadOrCreate(StateDirectory);
        // A new key means any emulator still running was started with the old one and would refuse us.
        if (created) await _launcher.StopAsync(BatchEmulatorService.Name, BatchEmulatorService.CommandLineMarker, cancellationToken).ConfigureAwait(false);
        var state = await _launcher.EnsureRunningAsync(BatchEmulatorService.Define(assembly, key), cancellationToken).ConfigureAwait(false);
        return (state.Endpoint, key);
    }

    /// <summary>Stops every local service of this user (SIGTERM, then waits), reporting each.</summary>
    public async Task<IReadOnlyList<LocalServiceStopResult>> StopAsync(CancellationToken cancellationToken = default)
    {
        // By name and marker, not by definition: stopping must work even where Azurite, node or dotnet is no
        // longer installed. The emulator first: a task it is finishing may still upload to Azurite.
        var emulator = await _launcher.StopAsync(BatchEmulatorService.Name, BatchEmulatorService.CommandLineMarker, cancellationToken).ConfigureAwait(false);
        var azurite = await _launcher.StopAsync(AzuriteService.Name, AzuriteService.CommandLineMarker, cancellationToken).ConfigureAwait(false);
        return new[] { emulator, azurite };
    }
}
