using Xunit;

namespace BatchWords.Core.Tests.Infrastructure;

/// <summary>
/// One real Azurite (in-memory, free loopback port) for every test in the "Azurite" collection, started with
/// the product's own launcher and stopped with SIGTERM at the end. Azurite comes from the repo's
/// node_modules (npm ci); without it the fixture fails with a message saying so.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly TempDirectory _state = new("azurite-fixture");
    private LocalServiceLauncher? _launcher;
    private LocalServiceDefinition? _definition;

    /// <summary>http://127.0.0.1:port (no account segment).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public Uri BlobEndpoint => new(Endpoint.ToString().TrimEnd('/') + "/" + Connections.DevelopmentAccountName);

    public int ProcessId { get; private set; }

    public async Task InitializeAsync()
    {
        string mainScript;
        try { mainScript = AzuriteService.LocateMainScript(AppContext.BaseDirectory); }
        catch (BwException e)
        {
            throw new InvalidOperationException($"Azurite is not installed for the tests: run `npm ci` in the repository root. ({e.Message})", e);
        }
        _definition = AzuriteService.Define(mainScript, inMemory: true);
        _launcher = new LocalServiceLauncher(_state.Path, TimeSpan.FromSeconds(60));
        var state = await _launcher.EnsureRunningAsync(_definition, CancellationToken.None);
        Endpoint = state.Endpoint;
        ProcessId = state.ProcessId;
    }

    public async Task DisposeAsync()
    {
        if (_launcher is not null && _definition is not null) await _launcher.StopAsync(_definition, CancellationToken.None);
        _state.Dispose();
    }

    /// <summary>A Local-backend context on this Azurite (what Connect-BwAccount builds, without starting anything).</summary>
    public BwContext CreateContext()
        => new(BwBackend.Local, Connections.DevelopmentAccountName, BlobEndpoint,
            StorageCredential.SharedKey(Connections.DevelopmentAccountName, Connections.DevelopmentAccountKey, StorageClientOptionsFactory.ForLocal()),
            null, null, null);

    /// <summary>An SDK client for checking what the product wrote.</summary>
    public Azure.Storage.Blobs.BlobServiceClient CreateServiceClient()
        => new(BlobEndpoint, new Azure.Storage.StorageSharedKeyCredential(Connections.DevelopmentAccountName, Connections.DevelopmentAccountKey),
            new Azure.Storage.Blobs.BlobClientOptions(Azure.Storage.Blobs.BlobClientOptions.ServiceVersion.V2026_06_06));

    /// <summary>A fresh, valid container name, so tests sharing the one Azurite never collide.</summary>
    public static string NewContainerName(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(63, stem.Length + 33)];
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
