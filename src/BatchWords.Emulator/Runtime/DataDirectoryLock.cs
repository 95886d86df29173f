namespace BatchWords.Emulator.Runtime;

/// <summary>
/// One emulator per data directory: an exclusive lock (flock on Linux and macOS) on a file in it, held for as
/// long as the emulator runs and released by the kernel when it exits, however it exits. A second emulator on the
/// same directory would take the first one's sandboxes for an earlier run's and kill its running tasks; with the
/// lock it refuses to start instead. The descriptor is close-on-exec (as every .NET file is), so the task
/// processes never inherit the lock. The Local backend's launcher (Core's BatchEmulatorService) looks for
/// the holders of this same file name to find the emulator when its state file is damaged.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "emulator.lock";

    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or throws an IOException naming the directory when another emulator holds it.</summary>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try { return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)); }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"the data directory {dataDirectory} is in use by another emulator (it holds {path}); stop that one first.", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
