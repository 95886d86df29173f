using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Local;

/// <summary>The Local backend's small files: a damaged state or key file reads as "none", never as a record or a key.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: the Local backend is Linux/macOS
public sealed class LocalStateFilesTests : IDisposable
{
    private readonly TempDirectory _directory = new("local-files");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("{\"Name\": \"azurite\", \"ProcessId\": 12")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("{\"Name\":\"azurite\",\"ProcessId\":0,\"Endpoint\":\"http://127.0.0.1:1\",\"StartedOn\":\"2026-01-01T00:00:00Z\",\"LogPath\":\"x\"}")]
    [InlineData("{\"Name\":\"azurite\",\"ProcessId\":5,\"Endpoint\":\"not a uri\",\"StartedOn\":\"2026-01-01T00:00:00Z\",\"LogPath\":\"x\"}")]
    public void A_damaged_state_file_is_no_record(string content)
    {
        var path = _directory.Combine("azurite.json");
        File.WriteAllText(path, content);
        Assert.Null(LocalServiceState.Read(path));
    }

    [Fact]
    public void A_state_file_of_an_older_BatchWords_reads_with_no_key_fingerprint()
    {
        var path = _directory.Combine("azurite.json");
        File.WriteAllText(path, "{\"Name\":\"azurite\",\"ProcessId\":5,\"Endpoint\":\"http://127.0.0.1:1\",\"StartedOn\":\"2026-01-01T00:00:00Z\",\"LogPath\":\"x\"}");
        var state = LocalServiceState.Read(path)!;
        Assert.Equal(5, state.ProcessId);
        Assert.Null(state.KeyFingerprint);
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("c2hvcnQ=")] // valid base64, but 5 bytes
    public void A_damaged_key_file_reads_as_no_key_and_is_replaced_by_a_private_random_one(string content)
    {
        var path = _directory.Combine("azurite.key");
        File.WriteAllText(path, content);
        Assert.Null(LocalAccountKey.TryRead(path));

        var key = LocalAccountKey.Replace(path);

        Assert.Equal(32, Convert.FromBase64String(key).Length);
        Assert.Equal(key, LocalAccountKey.TryRead(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.DoesNotContain(key, LocalAccountKey.Fingerprint(key));
    }

    [Fact]
    public void The_disk_check_names_a_folder_without_room_for_the_request_and_not_one_with_room()
    {
        // More than the whole disk holds, so no amount of space freed meanwhile by other tests running in parallel
        // can make room (asking for free + 1 byte raced with them).
        var moreThanTheDisk = new DriveInfo(_directory.Path).TotalSize + 1;
        var full = LocalDiskSpace.Check(_directory.Path, moreThanTheDisk);
        Assert.NotNull(full);
        Assert.Equal(_directory.Path, full!.Directory);
        Assert.Contains("No space left on device", full.Message);
        Assert.Null(LocalDiskSpace.Check(_directory.Path, 0));
    }
}
