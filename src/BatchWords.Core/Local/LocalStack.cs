namespace BatchWords;

/// <summary>
/// The Local backend's services for this user: Azurite now; the BatchWords Batch emulator joins here as a
/// second <see cref="LocalServiceDefinition"/> (its own Ensure method, and one more entry in StopAsync).
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

    /// <summary>Azurite's blob endpoint (http://127.0.0.1:port), starting Azurite if it is not running.</summary>
    public async Task<Uri> EnsureStorageAsync(CancellationToken cancellationToken = default)
    {
        var azurite = AzuriteService.Define(AzuriteService.LocateMainScript());
        var state = await _launcher.EnsureRunningAsync(azurite, cancellationToken).ConfigureAwait(false);
        return state.Endpoint;
    }

    /// <summary>Stops every local service of this user (SIGTERM, then waits), reporting each.</summary>
    public async Task<IReadOnlyList<LocalServiceStopResult>> StopAsync(CancellationToken cancellationToken = default)
    {
        // By name and marker, not by definition: stopping must work even where Azurite or node is no longer installed.
        var azurite = await _launcher.StopAsync(AzuriteService.Name, AzuriteService.CommandLineMarker, cancellationToken).ConfigureAwait(false);
        return new[] { azurite };
    }
}
