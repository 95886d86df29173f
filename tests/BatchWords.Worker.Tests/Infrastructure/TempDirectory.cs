namespace BatchWords.Worker.Tests.Infrastructure;

/// <summary>A directory under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string stem)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bw-worker-{stem}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a file under this directory and returns its full path.</summary>
    public string WriteFile(string relative, byte[] content)
    {
        string full = Combine(relative);
        File.WriteAllBytes(full, content);
        return full;
    }

    public string WriteFile(string relative, string content) => WriteFile(relative, System.Text.Encoding.UTF8.GetBytes(content));

    public void Dispose()
    {
        try { if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a file still held by a failed test; the OS cleans temp */ }
    }
}
