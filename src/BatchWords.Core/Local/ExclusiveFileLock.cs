namespace BatchWords;

/// <summary>
/// A lock between processes of this user: the file opened (created if need be) with no sharing, which on Unix .NET
/// takes as an exclusive flock. The OS drops it when the process dies, so a killed holder never blocks the next.
/// </summary>
internal static class ExclusiveFileLock
{
    /// <summary>
    /// Retries while another process holds the file, until <paramref name="wait"/> has passed; then the IOException
    /// of the last try propagates. <paramref name="waiting"/> is called once, when the first try finds it held.
    /// </summary>
    public static async Task<FileStream> AcquireAsync(string path, TimeSpan wait, TimeSpan retryInterval, Action? waiting, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        var told = false;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!told) waiting?.Invoke();
                told = true;
                await Task.Delay(retryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
