using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class DownloadTests : IDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly TempDirectory _temp = new("download");
    private readonly BwStorageClient _client;

    public DownloadTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _client = new BwStorageClient(azurite.CreateContext());
    }

    public void Dispose() => _temp.Dispose();

    private async Task<BlobContainerClient> NewContainerWithAsync(params (string Name, byte[] Content)[] blobs)
    {
        var container = _azurite.CreateServiceClient().GetBlobContainerClient(AzuriteFixture.NewContainerName("down"));
        await container.CreateAsync();
        foreach (var (name, content) in blobs) await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content));
        return container;
    }

    [Fact]
    public async Task Downloads_every_blob_byte_exact_into_a_new_destination_with_subdirectories()
    {
        var random = new byte[300_000];
        new Random(42).NextBytes(random);
        var container = await NewContainerWithAsync(("a_OUTPUT.txt", "word 3\n"u8.ToArray()), ("nested/deeper/r.bin", random));
        var destination = _temp.Combine("new", "dest");

        var events = await _client.DownloadOutputsAsync(container.Name, destination).CollectAsync();

        Assert.Empty(events.Failures());
        Assert.Equal(2, events.Downloaded().Count);
        Assert.Equal("word 3\n"u8.ToArray(), File.ReadAllBytes(Path.Combine(destination, "a_OUTPUT.txt")));
        Assert.Equal(random, File.ReadAllBytes(Path.Combine(destination, "nested", "deeper", "r.bin")));
        Assert.Contains(events.Downloaded(), f => f.FullName == Path.Combine(destination, "nested", "deeper", "r.bin"));
        Assert.Empty(Directory.GetFiles(destination, "*.bwpart", SearchOption.AllDirectories));
        var last = events.OfType<TransferProgress>().Last();
        Assert.Equal((2, 2, 300_007L, 300_007L), (last.FilesDone, last.FilesTotal, last.BytesDone, last.BytesTotal));
    }

    [Fact]
    public async Task Existing_files_are_kept_without_Force_and_replaced_with_it()
    {
        var container = await NewContainerWithAsync(("out.txt", "from storage"u8.ToArray()), ("other.txt", "x"u8.ToArray()));
        var destination = _temp.Combine("existing");
        Directory.CreateDirectory(destination);
        var local = Path.Combine(destination, "out.txt");
        File.WriteAllText(local, "local edit");

        var refused = await _client.DownloadOutputsAsync(container.Name, destination).CollectAsync();

        var failure = Assert.Single(refused.Failures());
        Assert.Equal((BwErrorKind.ResourceExists, "OutputFileExists", (object)local), (failure.Error.Kind, failure.Error.ErrorId, failure.Error.Target!));
        Assert.Equal("local edit", File.ReadAllText(local));
        Assert.Equal("other.txt", Assert.Single(refused.Downloaded()).Name);

        var forced = await _client.DownloadOutputsAsync(container.Name, destination, new DownloadOptions { Force = true }).CollectAsync();

        Assert.Empty(forced.Failures());
        Assert.Equal("from storage", File.ReadAllText(local));
    }

    [Fact]
    public async Task Downloading_again_leaves_identical_files_Unchanged_and_still_refuses_a_changed_one()
    {
        var container = await NewContainerWithAsync(("same.txt", "same bytes"u8.ToArray()), ("edited.txt", "from storage"u8.ToArray()));
        var destination = _temp.Combine("again");
        var first = await _client.DownloadOutputsAsync(container.Name, destination).CollectAsync();
        var same = Path.Combine(destination, "same.txt");
        var edited = Path.Combine(destination, "edited.txt");
        var writtenAt = File.GetLastWriteTimeUtc(same);
        File.WriteAllText(edited, "local edit!!"); // same length as the blob: only the MD5 tells them apart

        var listed = await _client.DownloadOutputsAsync(container.Name, destination).CollectAsync();
        var named = await _client.DownloadOutputsAsync(container.Name, destination, new DownloadOptions { BlobNames = new[] { "same.txt" } }).CollectAsync();
        var forced = await _client.DownloadOutputsAsync(container.Name, destination, new DownloadOptions { Force = true }).CollectAsync();

        Assert.All(first.OfType<OutputDownloaded>(), d => Assert.Equal(OutputFileStatus.Downloaded, d.Status));
        var refused = Assert.Single(listed.Failures());
        Assert.Equal(("OutputFileExists", (object)edited), (refused.Error.ErrorId, refused.Error.Target!));
        var unchanged = Assert.Single(listed.OfType<OutputDownloaded>());
        Assert.Equal(("same.txt", OutputFileStatus.Unchanged, same), (unchanged.BlobName, unchanged.Status, unchanged.File.FullName));
        Assert.Empty(named.Failures());
        Assert.Equal(OutputFileStatus.Unchanged, Assert.Single(named.OfType<OutputDownloaded>()).Status);
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(same));
        Assert.Empty(forced.Failures());
        Assert.Equal(new[] { "edited.txt Downloaded", "same.txt Unchanged" },
            forced.OfType<OutputDownloaded>().Select(d => $"{d.BlobName} {d.Status}").Order(StringComparer.Ordinal));
        Assert.Equal("from storage", File.ReadAllText(edited));
        var last = listed.OfType<TransferProgress>().Last();
        Assert.Equal((2, 2), (last.FilesDone, last.FilesTotal));
    }

    [Fact]
    public async Task A_blob_without_Content_MD5_is_compared_byte_for_byte()
    {
        // Committed from blocks: the service stores no Content-MD5 for the whole blob, so only the bytes can tell.
        var container = await NewContainerWithAsync();
        foreach (var name in new[] { "blocks.txt", "changed.txt" })
        {
            var blob = container.GetBlockBlobClient(name);
            var blockId = Convert.ToBase64String("block-0"u8.ToArray());
            await blob.StageBlockAsync(blockId, new MemoryStream("block content"u8.ToArray()));
            await blob.CommitBlockListAsync(new[] { blockId });
            Assert.Null((await blob.GetPropertiesAsync()).Value.ContentHash);
        }
        var destination = _temp.Combine("blocks");
        await _client.DownloadOutputsAsync(container.Name, destination).CollectAsync();
        File.WriteAllText(Path.Combine(destination, "changed.txt"), "block CONTENT");

        var again = await _client.DownloadOutputsAsync(container.Name, destination).CollectAsync();

        var unchanged = Assert.Single(again.OfType<OutputDownloaded>());
        Assert.Equal(("blocks.txt", OutputFileStatus.Unchanged), (unchanged.BlobName, unchanged.Status));
        Assert.Equal("OutputFileExists", Assert.Single(again.Failures()).Error.ErrorId);
        Assert.Equal("block CONTENT", File.ReadAllText(Path.Combine(destination, "changed.txt")));
        Assert.Empty(Directory.GetFiles(destination, "*.bwpart", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Listing_crosses_pages_more_than_5000_blobs_all_downloaded()
    {
        const int count = 5_050;
        var container = await NewContainerWithAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, ct) => await container.GetBlobClient($"b{i:D5}").UploadAsync(BinaryData.FromString(i.ToString()), ct));
        var destination = _temp.Combine("paged");

        var events = await _client.DownloadOutputsAsync(container.Name, destination, new DownloadOptions { ThrottleLimit = 32 }).CollectAsync();

        Assert.Empty(events.Failures());
        Assert.Equal(count, events.Downloaded().Count);
        Assert.Equal(count, Directory.GetFiles(destination).Length);
        Assert.Equal("5049", File.ReadAllText(Path.Combine(destination, "b05049")));
    }

    [Fact]
    public async Task Blob_names_that_could_escape_the_destination_are_refused_and_nothing_is_written_for_them()
    {
        // The service normalizes '\\' to '/' and '..' segments out of URLs, so a drive-rooted name is the
        // unsafe name a real container can hold; the others are covered by the path rules below.
        const string blobName = "C:drive.txt";
        var container = await NewContainerWithAsync((blobName, "evil"u8.ToArray()), ("fine.txt", "ok"u8.ToArray()));
        var destination = _temp.Combine("escape");

        var events = await _client.DownloadOutputsAsync(container.Name, destination).CollectAsync();

        var failure = Assert.Single(events.Failures());
        Assert.Equal((BwErrorKind.InvalidData, "UnsafeBlobName", (object)blobName), (failure.Error.Kind, failure.Error.ErrorId, failure.Error.Target!));
        Assert.Equal(new[] { "fine.txt" }, Directory.GetFiles(destination, "*", SearchOption.AllDirectories).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("a/../../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("./x")]
    [InlineData("C:\\Windows\\x")]
    [InlineData("dir\\..\\..\\x")]
    public void Path_rules_refuse_names_outside_the_destination(string blobName)
    {
        var error = Assert.Throws<BwException>(() => DownloadPathRules.Resolve(_temp.Path, blobName));
        Assert.Equal("UnsafeBlobName", error.ErrorId);
        Assert.Equal(blobName, error.Target);
    }

    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("x/y/z.txt", "x/y/z.txt")]
    [InlineData("..dots..txt", "..dots..txt")]
    public void Path_rules_map_safe_names_under_the_destination(string blobName, string relative)
        => Assert.Equal(Path.Combine(_temp.Path, relative), DownloadPathRules.Resolve(_temp.Path, blobName));

    [Fact]
    public async Task A_missing_container_is_ObjectNotFound()
    {
        var error = await Assert.ThrowsAsync<BwException>(() =>
            _client.DownloadOutputsAsync(AzuriteFixture.NewContainerName("none"), _temp.Combine("none")).CollectAsync());
        Assert.Equal(BwErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("ContainerNotFound", error.ServiceErrorCode);
    }
}
