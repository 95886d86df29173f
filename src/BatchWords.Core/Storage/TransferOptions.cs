namespace BatchWords;

/// <summary>Options of <see cref="BwStorageClient.UploadInputsAsync"/>.</summary>
public sealed class UploadOptions
{
    /// <summary>Prepended to each file name to form the blob name (e.g. "run1/").</summary>
    public string? Prefix { get; set; }

    /// <summary>Replace blobs whose content differs. Without it a different existing blob is a per-file error.</summary>
    public bool Force { get; set; }

    /// <summary>Files uploaded at the same time. Default 8.</summary>
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>How long each file's read SAS stays valid. Default 2 hours (as the tutorial's).</summary>
    public TimeSpan SasExpiry { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>Options of <see cref="BwStorageClient.DownloadOutputsAsync"/>.</summary>
public sealed class DownloadOptions
{
    /// <summary>Replace existing local files. Without it an existing file is a per-file error.</summary>
    public bool Force { get; set; }

    /// <summary>Blobs downloaded at the same time. Default 8.</summary>
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>Only blobs whose names start with this prefix.</summary>
    public string? Prefix { get; set; }

    /// <summary>
    /// Only these blobs (exact names), for example the outputs of the tasks piped from Wait-BwTask. A name the
    /// container does not hold is reported as a per-blob ObjectNotFound failure. Null means every blob.
    /// </summary>
    public IReadOnlyCollection<string>? BlobNames { get; set; }
}
