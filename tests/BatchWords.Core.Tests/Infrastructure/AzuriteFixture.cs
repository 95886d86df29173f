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

    /// <summary>Azurite's published development key: it must open nothing on a BatchWords Azurite (and serves as a well-formed dummy key).</summary>
    public const string WellKnownDevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The random account key this Azurite was started with (from its key file under the fixture's state directory).</summary>
    public string AccountKey { get; private set; } = null!;

    /// <summary>http://127.0.0.1:port (no account segment).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public Uri BlobEndpoint => new(Endpoint.ToString().TrimEnd('/') + "/" + AzuriteService.AccountName);

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
        var instance = await _launcher.EnsureRunningAsync(_definition, CancellationToken.None);
        Endpoint = instance.Endpoint;
        ProcessId = instance.State.ProcessId;
        AccountKey = instance.AccountKey;
    }

    public async Task DisposeAsync()
    {
        if (_launcher is not null && _definition is not null) await _launcher.StopAsync(_definition.Identity, CancellationToken.None);
        _state.Dispose();
    }

    /// <summary>A Local-backend context on this Azurite (what Connect-BwAccount builds, without starting anything).</summary>
    public BwContext CreateContext()
        => new(BwBackend.Local, AzuriteService.AccountName, BlobEndpoint,
            StorageCredential.SharedKey(AzuriteService.AccountName, AccountKey, StorageClientOptionsFactory.ForLocal()),
            null, null, null);

    /// <summary>An SDK client for checking what the product wrote.</summary>
    public Azure.Storage.Blobs.BlobServiceClient CreateServiceClient()
        => new(BlobEndpoint, new Azure.Storage.StorageSharedKeyCredential(AzuriteService.AccountName, AccountKey),
            new Azure.Storage.Blobs.BlobClientOptions(Azure.Storage.Blobs.BlobClientOptions.ServiceVersion.V2026_06_06));

    /// <summary>A fresh, valid container name, so tests sharing the one Azurite never collide.</summary>
    public static string NewContainerName(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(63, stem.Length + 33)];
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
