namespace BatchWords;

/// <summary>
/// What an upload or download reports while it runs, in the order things happen: progress, one completion or
/// failure per file. A failed file does not stop the others; the caller decides how to report it.
/// </summary>
public abstract class TransferEvent
{
    private protected TransferEvent() { }
}

/// <summary>Totals so far. Emitted at most a few times per second, and after every finished file.</summary>
public sealed class TransferProgress : TransferEvent
{
    public TransferProgress(int filesDone, int filesTotal, long bytesDone, long bytesTotal, string? currentItem)
    {
        FilesDone = filesDone;
        FilesTotal = filesTotal;
        BytesDone = bytesDone;
        BytesTotal = bytesTotal;
        CurrentItem = currentItem;
    }

    /// <summary>Files finished, successfully or not.</summary>
    public int FilesDone { get; }
    public int FilesTotal { get; }
    public long BytesDone { get; }
    public long BytesTotal { get; }

    /// <summary>The file or blob the last bytes belonged to.</summary>
    public string? CurrentItem { get; }

    public int PercentComplete => BytesTotal > 0 ? (int)Math.Min(100, BytesDone * 100 / BytesTotal)
        : FilesTotal > 0 ? FilesDone * 100 / FilesTotal : 100;
}

/// <summary>One input file is in storage (uploaded or already identical).</summary>
public sealed class InputUploaded : TransferEvent
{
    public InputUploaded(BwInputFile file) => File = file;
    public BwInputFile File { get; }
}

/// <summary>One blob is in a local file (written now, or already there with the same bytes).</summary>
public sealed class OutputDownloaded : TransferEvent
{
    public OutputDownloaded(FileInfo file, string blobName, OutputFileStatus status)
    {
        File = file;
        BlobName = blobName;
        Status = status;
    }

    public FileInfo File { get; }
    public string BlobName { get; }
    public OutputFileStatus Status { get; }
}

/// <summary>One file or blob failed; the others go on.</summary>
public sealed class TransferFailed : TransferEvent
{
    public TransferFailed(string item, BwException error)
    {
        Item = item;
        Error = error;
    }

    /// <summary>The local path or blob name that failed.</summary>
    public string Item { get; }
    public BwException Error { get; }
}
