using System.Security.Cryptography;
using System.Text;

namespace BatchWords;

/// <summary>
/// A local service's account key for this user (Azurite's storage key, the Batch emulator's key): 32 random
/// bytes made on first use and kept in a file only the user can read, so a running service and every later
/// session agree on it, and other local users cannot sign requests to it. Read and replaced only under the
/// service's start lock (<see cref="LocalServiceLauncher"/>), which also stops a service using another key
/// before a damaged file is replaced.
/// </summary>
internal static class LocalAccountKey
{
    /// <summary>The key in the file, or null when the file is missing or damaged (not base64, or under 32 bytes).</summary>
    public static string? TryRead(string path)
    {
        string text;
        try { text = File.ReadAllText(path).Trim(); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        return IsValid(text) ? Registered(text) : null;
    }

    /// <summary>
    /// Makes a new key and puts it in place of whatever the file held (atomically: a reader sees the old file
    /// or the new one, never half of it). Mode 600 from the start: the key is never readable by others.
    /// </summary>
    public static string Replace(string path)
    {
        var key = Registered(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        PrivateFile.Write(path, key);
        return key;
    }

    /// <summary>
    /// What a state file records of the key a service was started with: a SHA-256 of it (which does not reveal a
    /// 256-bit random key), so a later session can tell whether the running service uses the key in the file.
    /// </summary>
    public static string Fingerprint(string key)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("batchwords-local-key:" + key)))[..32];

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
