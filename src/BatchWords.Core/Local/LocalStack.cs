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

    /// <summary>Azurite's data folder (blobs and metadata).</summary>
    internal string StorageDataDirectory => _launcher.DataDirectory(AzuriteService.Name);

    public static string DefaultStateDirectory() => Path.Combine(LocalStackInstallation.DefaultHome(), "local");

    /// <summary>
    /// Throws the clear error of the first thing the stack lacks: a platform it runs on, then the programs it
    /// cannot find (Azurite, node, the emulator).
    /// </summary>
    internal static void LocatePrograms()
    {
        LocalPlatform.Current.EnsureSupported();
        AzuriteService.LocateMainScript();
        NodeLocator.Find();
        BatchEmulatorService.Define(BatchEmulatorService.LocateAssembly());
    }

    /// <summary>Azurite's blob endpoint (http://127.0.0.1:port), starting Azurite if it is not running.</summary>
    public async Task<Uri> EnsureStorageAsync(CancellationToken cancellationToken = default)
        => (await EnsureStorageInstanceAsync(cancellationToken).ConfigureAwait(false)).Endpoint;

    /// <summary>Azurite's endpoint and this user's storage account key, starting Azurite if it is not running.</summary>
    internal Task<LocalServiceInstance> EnsureStorageInstanceAsync(CancellationToken cancellationToken = default)
        => _launcher.EnsureRunningAsync(AzuriteService.Define(AzuriteService.LocateMainScript()), cancellationToken);

    /// <summary>The Batch emulator's endpoint and account key, starting the emulator if it is not running.</summary>
    internal Task<LocalServiceInstance> EnsureBatchAsync(CancellationToken cancellationToken = default)
        => _launcher.EnsureRunningAsync(BatchEmulatorService.Define(BatchEmulatorService.LocateAssembly()), cancellationToken);

    /// <summary>
    /// Stops every local service of this user (SIGTERM, then waits), reporting each process: the recorded ones
    /// and any other running on this user's data folders (a damaged or missing state file does not hide them).
    /// </summary>
    public async Task<IReadOnlyList<LocalServiceStopResult>> StopAsync(CancellationToken cancellationToken = default)
    {
        // By identity, not by definition: stopping must work even where Azurite, node or dotnet is no longer
        // installed. The emulator first: a task it is finishing may still upload to Azurite.
        var emulator = await _launcher.StopAsync(BatchEmulatorService.Identity, cancellationToken).ConfigureAwait(false);
        var azurite = await _launcher.StopAsync(AzuriteService.Identity, cancellationToken).ConfigureAwait(false);
        return emulator.Concat(azurite).ToList();
    }
}
