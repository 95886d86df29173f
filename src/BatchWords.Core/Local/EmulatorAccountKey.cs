using System.Security.Cryptography;

namespace BatchWords;

/// <summary>
/// The Batch emulator's account key for this user: 32 random bytes made on first use and kept in a file
/// only the user can read, so a running emulator and every later session agree on it, and other local users
/// cannot sign requests to it.
/// </summary>
internal static class EmulatorAccountKey
{
    public const string FileName = "batch-emulator.key";

    /// <summary>
    /// The key, and whether it was made now: an emulator still running from before was then started with
    /// another key (its file was deleted) and must be restarted.
    /// </summary>
    public static (string Key, bool Created) ReadOrCreate(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (TryRead(path) is { } existing) return (existing, false);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var writer = new StreamWriter(stream);
            writer.Write(key);
        }
        try { File.Move(temp, path, overwrite: false); }
        catch (IOException) when (TryRead(path) is { } raced)
        {
            // Another session made the key at the same moment: use theirs, so both sign alike.
            File.Delete(temp);
            return (raced, false);
        }
        return (Registered(key), true);
    }

    private static string? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path).Trim();
        return IsValid(text) ? Registered(text) : null;
    }

    private static bool IsValid(string text)
    {
        try { return Convert.FromBase64String(text).Length >= 32; }
        catch (FormatException) { return false; }
    }

    private static string Registered(string key)
    {
        SecretScrubber.Register(key);
        return key;
    }
}
