using System.Text.Json;

namespace BatchWords;

/// <summary>
/// The per-user record of a running local service (pid, endpoint, start time, log), so the next session
/// reuses it. It is a record, not the authority: which instances run on a data folder is found from the folder's
/// lock and /proc (<see cref="LocalServiceInstances"/>), so a damaged state file never leads to a second
/// instance. Written with mode 600: it names a loopback endpoint that only this user should be steered to.
/// <paramref name="KeyFingerprint"/> tells which account key the instance was started with (a hash, never the
/// key); null in a file written by an older BatchWords, whose Azurite used the public development key.
/// <paramref name="Configuration"/> is <see cref="LocalServiceDefinition.Configuration"/> at start (null read as empty).
/// </summary>
internal sealed record LocalServiceState(string Name, int ProcessId, Uri Endpoint, DateTimeOffset StartedOn, string LogPath, string? KeyFingerprint = null, string? Configuration = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static LocalServiceState? Read(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            var state = JsonSerializer.Deserialize<LocalServiceState>(File.ReadAllText(path), Json);
            // Valid JSON is not yet a valid record ("{}", "null", a hand-edited file).
            return state is { ProcessId: > 0, Endpoint.IsAbsoluteUri: true, Name: not null } ? state : null;
        }
        // A torn, garbled or hand-edited file: no record; what runs is found from the data folder instead.
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or UriFormatException) { return null; }
    }

    public void Write(string path)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            JsonSerializer.Serialize(stream, this, Json);
        }
        File.Move(temp, path, overwrite: true);
    }
}
