using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>
/// How many requests a publish and a named download make against Azurite (issue 12, findings 5 and 6): counted
/// by a policy in the client's own pipeline, so what is checked is what went over the wire.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageRequestCountTests : IDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly TempDirectory _files = new("requests");
    private readonly RequestCounter _counter = new();
    private readonly BwStorageClient _client;

    public StorageRequestCountTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        var options = StorageClientOptionsFactory.ForLocal();
        options.AddPolicy(_counter, HttpPipelinePosition.PerRetry);
        _client = new BwStorageClient(new BwContext(BwBackend.Local, AzuriteService.AccountName, azurite.BlobEndpoint,
            StorageCredential.SharedKey(AzuriteService.AccountName, azurite.AccountKey, options), null, null, null));
    }

    public void Dispose() => _files.Dispose();

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        public ConcurrentQueue<string> Requests { get; } = new();
        public Action<HttpMessage>? BeforeSend { get; set; }

        public override void OnSendingRequest(HttpMessage message)
        {
            BeforeSend?.Invoke(message);
            Requests.Enqueue($"{message.Request.Method} {(message.Request.Uri.Query.Contains("comp=list", StringComparison.Ordinal) ? "list" : message.Request.Uri.Path)}");
        }

        public List<string> Take()
        {
            var taken = new List<string>();
            while (Requests.TryDequeue(out var r)) taken.Add(r);
            return taken;
        }
    }

    /// <summary>
    /// Finding 6: each file cost a HEAD and then a PUT. Now the container is listed once and each file is one PUT;
    /// a second publish of the same files is all Unchanged with no per-file request at all, and a changed file
    /// is still refused without -Force (and replaced with it).
    /// </summary>
    [Fact]
    public async Task Publishing_n_files_is_one_put_each_and_publishing_them_again_makes_no_per_file_request()
    {
        var container = AzuriteFixture.NewContainerName("count");
        await _client.CreateContainerAsync(container);
        var paths = Enumerable.Range(0, 40).Select(i => _files.WriteFile($"in{i:D2}.txt", $"text {i}")).ToList();
        _counter.Take();

        var first = await _client.UploadInputsAsync(container, paths).CollectAsync();
        var firstRequests = _counter.Take();
        var again = await _client.UploadInputsAsync(container, paths).CollectAsync();
        var againRequests = _counter.Take();
        File.WriteAllText(paths[0], "changed");
        var changed = await _client.UploadInputsAsync(container, paths).CollectAsync();
        var changedRequests = _counter.Take();
        var forced = await _client.UploadInputsAsync(container, new[] { paths[0] }, new UploadOptions { Force = true }).CollectAsync();

        Assert.Empty(first.Failures());
        Assert.All(first.Uploaded(), f => Assert.Equal(InputFileStatus.Uploaded, f.StatusKind));
        Assert.Equal(40, firstRequests.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal)));
        Assert.Equal(0, firstRequests.Count(r => r.StartsWith("HEAD ", StringComparison.Ordinal)));
        Assert.Equal(1, firstRequests.Count(r => r == "GET list"));
        Assert.InRange(firstRequests.Count, 41, 42); // + the container check

        Assert.All(again.Uploaded(), f => Assert.Equal(InputFileStatus.Unchanged, f.StatusKind));
        Assert.Equal(40, again.Uploaded().Count());
        Assert.InRange(againRequests.Count, 1, 2);

        Assert.Equal("BlobContentDiffers", Assert.Single(changed.Failures()).Error.ErrorId);
        Assert.InRange(changedRequests.Count, 1, 2);
        Assert.Equal(InputFileStatus.Uploaded, Assert.Single(forced.Uploaded()).StatusKind);
        var blob = await _azurite.CreateServiceClient().GetBlobContainerClient(container).GetBlobClient("in00.txt").DownloadContentAsync();
        Assert.Equal("changed", blob.Value.Content.ToString());
    }

    [Fact]
    public async Task A_blob_created_after_the_listing_is_not_replaced_and_the_same_content_is_Unchanged()
    {
        var container = AzuriteFixture.NewContainerName("race");
        await _client.CreateContainerAsync(container);
        var same = _files.WriteFile("same.txt", "identical");
        var other = _files.WriteFile("other.txt", "mine");
        // Written by someone else between the listing and this run's PUT (which then gets 409 from If-None-Match).
        var service = _azurite.CreateServiceClient().GetBlobContainerClient(container);
        var written = 0;
        _counter.BeforeSend = message =>
        {
            if (message.Request.Method != RequestMethod.Put || Interlocked.Increment(ref written) > 1) return;
            service.GetBlobClient("same.txt").Upload(BinaryData.FromString("identical"),
                new Azure.Storage.Blobs.Models.BlobUploadOptions { HttpHeaders = new() { ContentHash = System.Security.Cryptography.MD5.HashData("identical"u8) } });
            service.GetBlobClient("other.txt").Upload(BinaryData.FromString("theirs"));
        };
        var events = _client.UploadInputsAsync(container, new[] { same, other }, new UploadOptions { ThrottleLimit = 1 });

        var result = await events.CollectAsync();

        Assert.Equal(InputFileStatus.Unchanged, Assert.Single(result.Uploaded()).StatusKind);
        Assert.Equal("BlobContentDiffers", Assert.Single(result.Failures()).Error.ErrorId);
        Assert.Equal("theirs", (await service.GetBlobClient("other.txt").DownloadContentAsync()).Value.Content.ToString());
    }

    /// <summary>
    /// Finding 5: one named blob from a 10,000-blob container cost the whole listing (3 pages). Now it is one GET
    /// per name and no listing; a name that is not there is OutputBlobNotFound.
    /// </summary>
    [Fact]
    public async Task Named_blobs_are_downloaded_without_listing_the_container()
    {
        var service = _azurite.CreateServiceClient().GetBlobContainerClient(AzuriteFixture.NewContainerName("named"));
        await service.CreateAsync();
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => service.GetBlobClient($"out{i}.txt").UploadAsync(BinaryData.FromString($"w {i}"))));
        _counter.Take();

        var events = await _client.DownloadOutputsAsync(service.Name, _files.Combine("dest"),
            new DownloadOptions { BlobNames = new[] { "out7.txt", "missing.txt" } }).CollectAsync();
        var requests = _counter.Take();

        Assert.Equal("w 7", File.ReadAllText(_files.Combine("dest", "out7.txt")));
        var failure = Assert.Single(events.Failures());
        Assert.Equal(("OutputBlobNotFound", "missing.txt"), (failure.Error.ErrorId, failure.Error.Target as string));
        Assert.DoesNotContain("GET list", requests);
        Assert.Equal(2, requests.Count);
    }
}
