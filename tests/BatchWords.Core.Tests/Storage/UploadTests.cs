using System.Security.Cryptography;
using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class UploadTests : IDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly TempDirectory _files = new("upload");
    private readonly BwStorageClient _client;

    public UploadTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _client = new BwStorageClient(azurite.CreateContext());
    }

    public void Dispose() => _files.Dispose();

    private async Task<string> NewContainerAsync()
    {
        var name = AzuriteFixture.NewContainerName("up");
        await _client.CreateContainerAsync(name);
        return name;
    }

    private async Task<byte[]> ReadBlobAsync(string container, string blob)
        => (await _azurite.CreateServiceClient().GetBlobContainerClient(container).GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToArray();

    [Fact]
    public async Task Uploads_each_file_as_a_blob_named_after_it_with_md5_length_and_a_read_sas()
    {
        var container = await NewContainerAsync();
        var a = _files.WriteFile("a.txt", "alpha beta alpha");
        var b = _files.WriteFile("sub/b.bin", new byte[] { 0, 1, 2, 255 });

        var events = await _client.UploadInputsAsync(container, new[] { a, b }).CollectAsync();

        Assert.Empty(events.Failures());
        var uploaded = events.Uploaded().OrderBy(f => f.BlobName).ToList();
        Assert.Equal(new[] { "a.txt", "b.bin" }, uploaded.Select(f => f.BlobName));
        Assert.All(uploaded, f => Assert.Equal(InputFileStatus.Uploaded, f.StatusKind));
        Assert.Equal(a, uploaded[0].Path);
        Assert.Equal(16, uploaded[0].Length);
        Assert.Equal(Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(a))), uploaded[0].ContentMd5);
        Assert.Equal(File.ReadAllBytes(b), await ReadBlobAsync(container, "b.bin"));
        Assert.Contains("sig=", uploaded[0].GetReadSasUri().Query);
        Assert.Contains("sp=r&", uploaded[0].GetReadSasUri().Query + "&");
        Assert.Equal("", uploaded[0].BlobUri.Query);
        Assert.InRange(uploaded[0].SasExpiresOn, DateTimeOffset.UtcNow.AddHours(2).AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2).AddMinutes(1));
        Assert.DoesNotContain("sig=", uploaded[0].ToString());
        var props = await _azurite.CreateServiceClient().GetBlobContainerClient(container).GetBlobClient("a.txt").GetPropertiesAsync();
        Assert.Equal(MD5.HashData(File.ReadAllBytes(a)), props.Value.ContentHash);
    }

    [Fact]
    public async Task Many_files_upload_in_parallel_and_progress_ends_at_all_files_and_bytes()
    {
        var container = await NewContainerAsync();
        var paths = Enumerable.Range(0, 300).Select(i => _files.WriteFile($"many/f{i:D3}.txt", new string('x', i + 1))).ToList();

        var events = await _client.UploadInputsAsync(container, paths, new UploadOptions { ThrottleLimit = 16 }).CollectAsync();

        Assert.Empty(events.Failures());
        Assert.Equal(300, events.Uploaded().Count);
        var last = events.OfType<TransferProgress>().Last();
        Assert.Equal(300, last.FilesDone);
        Assert.Equal(300, last.FilesTotal);
        Assert.Equal(paths.Sum(p => new FileInfo(p).Length), last.BytesTotal);
        Assert.Equal(last.BytesTotal, last.BytesDone);
        Assert.Equal(100, last.PercentComplete);
        var listed = 0;
        await foreach (var _ in _azurite.CreateServiceClient().GetBlobContainerClient(container).GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions())) listed++;
        Assert.Equal(300, listed);
    }

    [Fact]
    public async Task Identical_content_is_skipped_different_content_is_a_per_file_error_and_Force_replaces_it()
    {
        var container = await NewContainerAsync();
        var same = _files.WriteFile("same.txt", "unchanged");
        var changing = _files.WriteFile("changing.txt", "version 1");
        await _client.UploadInputsAsync(container, new[] { same, changing }).CollectAsync();
        File.WriteAllText(changing, "version 2, longer");

        var second = await _client.UploadInputsAsync(container, new[] { same, changing }).CollectAsync();

        var unchanged = Assert.Single(second.Uploaded());
        Assert.Equal("same.txt", unchanged.BlobName);
        Assert.Equal(InputFileStatus.Unchanged, unchanged.StatusKind);
        var failure = Assert.Single(second.Failures());
        Assert.Equal(changing, failure.Item);
        Assert.Equal(BwErrorKind.ResourceExists, failure.Error.Kind);
        Assert.Equal("BlobContentDiffers", failure.Error.ErrorId);
        Assert.Equal(changing, failure.Error.Target);
        Assert.Equal("version 1"u8.ToArray(), await ReadBlobAsync(container, "changing.txt"));

        var forced = await _client.UploadInputsAsync(container, new[] { changing }, new UploadOptions { Force = true }).CollectAsync();

        Assert.Empty(forced.Failures());
        Assert.Equal(InputFileStatus.Uploaded, Assert.Single(forced.Uploaded()).StatusKind);
        Assert.Equal("version 2, longer"u8.ToArray(), await ReadBlobAsync(container, "changing.txt"));
    }

    [Fact]
    public async Task Missing_directory_and_unreadable_paths_fail_one_by_one_while_the_others_upload()
    {
        var container = await NewContainerAsync();
        var good1 = _files.WriteFile("good1.txt", "one");
        var good2 = _files.WriteFile("good2.txt", "two");
        var locked = _files.WriteFile("locked.txt", "held");
        var missing = _files.Combine("missing.txt");
        var directory = _files.Combine("adir");
        Directory.CreateDirectory(directory);
        // An exclusive lock makes the file unreadable to us even as root (where chmod 000 would not).
        using var holder = new FileStream(locked, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var events = await _client.UploadInputsAsync(container, new[] { good1, missing, directory, locked, good2 }).CollectAsync();

        Assert.Equal(new[] { "good1.txt", "good2.txt" }, events.Uploaded().Select(f => f.BlobName).OrderBy(n => n));
        var failures = events.Failures().ToDictionary(f => f.Item);
        Assert.Equal(3, failures.Count);
        Assert.Equal((BwErrorKind.ObjectNotFound, "InputFileNotFound"), (failures[missing].Error.Kind, failures[missing].Error.ErrorId));
        Assert.Equal((BwErrorKind.InvalidArgument, "InputPathIsDirectory"), (failures[directory].Error.Kind, failures[directory].Error.ErrorId));
        Assert.Equal((BwErrorKind.ReadError, "InputFileUnreadable"), (failures[locked].Error.Kind, failures[locked].Error.ErrorId));
        Assert.Equal(missing, failures[missing].Error.Target);
    }

    [Fact]
    public async Task Prefix_is_prepended_to_blob_names()
    {
        var container = await NewContainerAsync();
        var file = _files.WriteFile("p.txt", "prefixed");

        var events = await _client.UploadInputsAsync(container, new[] { file }, new UploadOptions { Prefix = "run1/" }).CollectAsync();

        Assert.Equal("run1/p.txt", Assert.Single(events.Uploaded()).BlobName);
        Assert.Equal("prefixed"u8.ToArray(), await ReadBlobAsync(container, "run1/p.txt"));
    }

    [Fact]
    public async Task A_missing_container_stops_the_whole_upload_with_ContainerNotFound()
    {
        var file = _files.WriteFile("x.txt", "x");
        var name = AzuriteFixture.NewContainerName("absent");

        var error = await Assert.ThrowsAsync<BwException>(() => _client.UploadInputsAsync(name, new[] { file }).CollectAsync());

        Assert.Equal(BwErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("ContainerNotFound", error.ErrorId);
        Assert.Equal(name, error.Target);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public async Task ThrottleLimit_out_of_range_is_refused(int limit)
    {
        var error = await Assert.ThrowsAsync<BwException>(() =>
            _client.UploadInputsAsync("input", Array.Empty<string>(), new UploadOptions { ThrottleLimit = limit }).CollectAsync());
        Assert.Equal("InvalidThrottleLimit", error.ErrorId);
    }
}
