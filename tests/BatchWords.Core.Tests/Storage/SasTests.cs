using System.Net;
using Azure;
using Azure.Storage.Blobs;
using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>The SAS URLs handed to Batch really grant what they say and nothing more (Azurite enforces SAS).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SasTests : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly AzuriteFixture _azurite;
    private readonly TempDirectory _files = new("sas");
    private readonly BwStorageClient _client;

    public SasTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _client = new BwStorageClient(azurite.CreateContext());
    }

    public void Dispose() => _files.Dispose();

    private async Task<BwInputFile> UploadOneAsync(string content)
    {
        var container = AzuriteFixture.NewContainerName("sas");
        await _client.CreateContainerAsync(container);
        var events = await _client.UploadInputsAsync(container, new[] { _files.WriteFile("in.txt", content) }).CollectAsync();
        return Assert.Single(events.Uploaded());
    }

    [Fact]
    public async Task Read_sas_reads_without_any_header_and_cannot_write_or_delete()
    {
        var input = await UploadOneAsync("readable");

        // What a Batch node does: a plain GET on the URL.
        Assert.Equal("readable", await Http.GetStringAsync(input.GetReadSasUri()));

        var viaSas = new BlobClient(input.GetReadSasUri(), new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));
        var write = await Assert.ThrowsAsync<RequestFailedException>(() => viaSas.UploadAsync(BinaryData.FromString("overwritten"), overwrite: true));
        Assert.Equal(403, write.Status);
        var delete = await Assert.ThrowsAsync<RequestFailedException>(() => viaSas.DeleteAsync());
        Assert.Equal(403, delete.Status);
        Assert.Equal("readable", await Http.GetStringAsync(input.GetReadSasUri()));
    }

    [Fact]
    public async Task Read_sas_starts_a_few_minutes_in_the_past()
    {
        var input = await UploadOneAsync("skew");
        var start = DateTimeOffset.Parse(Uri.UnescapeDataString(System.Web.HttpUtility.ParseQueryString(input.GetReadSasUri().Query)["st"]!));
        Assert.InRange(DateTimeOffset.UtcNow - start, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
    }

    [Fact]
    public async Task An_expired_sas_is_refused()
    {
        var input = await UploadOneAsync("expired");
        var service = _azurite.CreateServiceClient();
        var blob = service.GetBlobContainerClient(input.Container).GetBlobClient(input.BlobName);
        var issuer = new SasIssuer(service, _azurite.CreateContext().Storage);

        var expired = await issuer.BlobReadAsync(blob, DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);

        var response = await Http.GetAsync(expired);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Container_write_sas_creates_blobs_but_cannot_read_or_list()
    {
        var container = AzuriteFixture.NewContainerName("out");
        await _client.CreateContainerAsync(container);
        var sas = await _client.GetContainerWriteSasUriAsync(container, TimeSpan.FromHours(1));
        var viaSas = new BlobContainerClient(sas, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));

        await viaSas.GetBlobClient("task_OUTPUT.txt").UploadAsync(BinaryData.FromString("result"));

        var read = await Assert.ThrowsAsync<RequestFailedException>(() => viaSas.GetBlobClient("task_OUTPUT.txt").DownloadContentAsync());
        Assert.Equal(403, read.Status);
        var list = await Assert.ThrowsAsync<RequestFailedException>(async () => { await foreach (var _ in viaSas.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions())) { } });
        Assert.Equal(403, list.Status);
        var stored = await _azurite.CreateServiceClient().GetBlobContainerClient(container).GetBlobClient("task_OUTPUT.txt").DownloadContentAsync();
        Assert.Equal("result", stored.Value.Content.ToString());
    }
}
