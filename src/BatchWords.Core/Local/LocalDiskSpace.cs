namespace BatchWords;

/// <summary>
/// Tells a full disk from a busy service for the Local backend. Azurite answers a bare "500" when it cannot
/// write its data (ENOSPC included; it puts no cause in the response), which read as "Retry later; the service
/// is busy". Its data folder is ours, so we can look: with less room left than the request needed (and never
/// under 1 MiB), the disk is full.
/// </summary>
internal static class LocalDiskSpace
{
    private const long MinimumRoom = 1024 * 1024;

    /// <summary>The full-disk error for a failed write of <paramref name="requestBytes"/> into <paramref name="directory"/>, or null when there is room.</summary>
    public static LocalDiskFullException? Check(string directory, long requestBytes)
    {
        long free;
        try { free = new DriveInfo(directory).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
        return free < Math.Max(MinimumRoom, requestBytes) ? new LocalDiskFullException(directory, free) : null;
    }
}

/// <summary>A local service could not write into its data folder because the file system holding it is full.</summary>
internal sealed class LocalDiskFullException : IOException
{
    public LocalDiskFullException(string directory, long freeBytes)
        : base($"No space left on device: the file system holding '{directory}' has {freeBytes:N0} bytes free.")
    {
        Directory = directory;
        FreeBytes = freeBytes;
    }

    public string Directory { get; }
    public long FreeBytes { get; }
}
