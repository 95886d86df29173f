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
        UseEntraId = options.UseEntraId;
        StateDirectory = options.StateDirectory ?? DefaultStateDirectory(options.UseEntraId);
        _launcher = new LocalServiceLauncher(StateDirectory, options.StartTimeout, options.Log);
    }

    /// <summary>Where data, logs and state files live: $BATCHWORDS_HOME/local (local-entra for the Entra ID stack), default ~/.batchwords/local.</summary>
    public string StateDirectory { get; }

    /// <summary>The local Entra ID stack (<see cref="LocalConnectOptions.UseEntraId"/>), with its own state folder, services and ports.</summary>
    public bool UseEntraId { get; }

    /// <summary>Azurite's data folder (blobs and metadata).</summary>
    internal string StorageDataDirectory => _launcher.DataDirectory(AzuriteService.Name);

    /// <summary>
    /// The plain stack in $BATCHWORDS_HOME/local, the Entra ID stack beside it in local-entra: separate key files,
    /// data, state, certificates and services, so both run at once without sharing anything.
    /// </summary>
    public static string DefaultStateDirectory(bool useEntraId) =>
        Path.Combine(LocalStackInstallation.DefaultHome(), useEntraId ? "local-entra" : "local");

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
    {
        var azurite = AzuriteService.Define(AzuriteService.LocateMainScript());
        if (UseEntraId) azurite = AzuriteEntraIdMode.Apply(azurite, EnsureCertificate(), StateDirectory);
        return _launcher.EnsureRunningAsync(azurite, cancellationToken);
    }

    /// <summary>
    /// The Batch emulator's endpoint and account key, starting the emulator if it is not running. The Entra ID
    /// stack's emulator is told Azurite's endpoint (<paramref name="azuriteEndpoint"/>), whose certificate it trusts.
    /// </summary>
    internal Task<LocalServiceInstance> EnsureBatchAsync(Uri? azuriteEndpoint = null, CancellationToken cancellationToken = default)
    {
        var emulator = BatchEmulatorService.Define(BatchEmulatorService.LocateAssembly());
        if (UseEntraId)
            emulator = BatchEmulatorEntraIdMode.Apply(emulator,
                azuriteEndpoint ?? throw new ArgumentNullException(nameof(azuriteEndpoint), "The Entra ID stack's emulator needs Azurite's endpoint."),
                EnsureCertificate());
        return _launcher.EnsureRunningAsync(emulator, cancellationToken);
    }

    /// <summary>The Entra ID stack's loopback certificate (made on first use), under the state folder's private directory.</summary>
    internal LocalCertificate EnsureCertificate()
    {
        LocalServiceLauncher.CreatePrivateDirectory(StateDirectory);
        lock (_certificateGate) return LocalCertificate.Ensure(StateDirectory);
    }

    private readonly object _certificateGate = new();

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
