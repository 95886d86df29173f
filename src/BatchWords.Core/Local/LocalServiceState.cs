using System.Text.Json;

namespace BatchWords;

/// <summary>
/// The per-user record of a running local service (pid, endpoint, start time, log), so the next session
/// reuses it instead of starting a second instance on the same data directory. Written with mode 600:
/// it names a loopback endpoint that only this user should be steered to.
/// </summary>
internal sealed record LocalServiceState(string Name, int ProcessId, Uri Endpoint, DateTimeOffset StartedOn, string LogPath)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static LocalServiceState? Read(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<LocalServiceState>(File.ReadAllText(path), Json) : null; }
        catch (JsonException) { return null; } // a torn or hand-edited file: treat as "not running", it is rewritten on start
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
