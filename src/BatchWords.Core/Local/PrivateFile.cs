namespace BatchWords;

/// <summary>Files only this user can read (keys, the loopback certificate's private key), written whole.</summary>
internal static class PrivateFile
{
    /// <summary>
    /// Puts <paramref name="text"/> in place of whatever the file held, atomically (a reader sees the old file or the
    /// new one, never half of it), with mode 600 from the first byte.
    /// </summary>
    public static void Write(string path, string text)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var writer = new StreamWriter(stream);
            writer.Write(text);
        }
        File.Move(temp, path, overwrite: true);
    }
}
