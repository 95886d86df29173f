using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Xunit;

namespace BatchWords.Emulator.Tests.Infrastructure;

/// <summary>
/// A real Azurite for the runtime tests, started and stopped by Core's own public LocalStack (the product's
/// launcher) in a private state directory. (Linking Core.Tests' AzuriteFixture does not work here: it uses
/// Core's internal launcher types, which only Core.Tests can see.) Azurite comes from the repository's
/// node_modules (npm ci).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>The random key the Local backend made for this Azurite (its 0600 key file in the state directory).</summary>
    public string AccountKey { get; private set; } = null!;

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"bw-emulator-azurite-{Guid.NewGuid():N}");
    private LocalStack? _stack;

    public Uri BlobEndpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _stack = new LocalStack(new LocalConnectOptions { StateDirectory = _stateDirectory });
        try
        {
            var endpoint = await _stack.EnsureStorageAsync();
            BlobEndpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/" + AccountName);
            AccountKey = File.ReadAllText(Path.Combine(_stateDirectory, "azurite.key")).Trim();
        }
        catch (BwException e)
        {
            throw new InvalidOperationException($"Azurite could not be started for the tests; run `npm ci` in the repository root. ({e.Message})", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null) await _stack.StopAsync();
        try { Directory.Delete(_stateDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public BlobServiceClient Service() =>
        new(BlobEndpoint, new StorageSharedKeyCredential(AccountName, AccountKey), new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));

    public async Task<BlobContainerClient> NewContainerAsync(string stem)
    {
        var container = Service().GetBlobContainerClient($"{stem}-{Guid.NewGuid():N}"[..Math.Min(63, stem.Length + 33)]);
        await container.CreateAsync();
        return container;
    }

    public static Uri ReadSas(BlobClient blob) => blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));

    public static Uri WriteSas(BlobContainerClient container)
    {
        var builder = new BlobSasBuilder(BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Create, DateTimeOffset.UtcNow.AddHours(1))
        {
            BlobContainerName = container.Name,
            Resource = "c",
        };
        return container.GenerateSasUri(builder);
    }

    public static Uri ListReadSas(BlobContainerClient container) =>
        container.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
}
