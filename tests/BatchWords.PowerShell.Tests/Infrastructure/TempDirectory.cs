namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>A directory for one test's local files, deleted (with everything in it) on Dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string stem)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bw-{stem}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path under this directory (not created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine(new[] { Path }.Concat(parts).ToArray());

    /// <summary>Writes a file (creating its directories) and returns its full path.</summary>
    public string Write(string relativePath, byte[] content)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Write(string relativePath, string content) => Write(relativePath, System.Text.Encoding.UTF8.GetBytes(content));

    public void Dispose()
    {
        try
        {
            if (!Directory.Exists(Path)) return;
            // A test may have made a file unreadable: give it back before deleting.
            if (!OperatingSystem.IsWindows())
                foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
