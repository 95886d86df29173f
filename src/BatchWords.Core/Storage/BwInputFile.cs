namespace BatchWords;

/// <summary>What Publish-BwInput did with a file.</summary>
public enum InputFileStatus
{
    /// <summary>Uploaded (new blob, or replaced with -Force).</summary>
    Uploaded,
    /// <summary>The blob already held exactly these bytes (same length and MD5), so nothing was sent.</summary>
    Unchanged,
}

/// <summary>
/// An input file in blob storage, ready to become a Batch task's resource file. Its read SAS URL is a SECRET
/// (anyone holding it can read the blob until <see cref="SasExpiresOn"/>), so it is not a property: whatever walks
/// properties (format views, Format-List *, ConvertTo-Json, Export-Csv, a runbook's job log) cannot write it.
/// Start-BwJob gets it through <see cref="GetReadSasUri"/>; a user who needs it asks the same way.
/// </summary>
public sealed class BwInputFile : BwResource
{
    public BwInputFile(string container, string blobName, string path, long length, string contentMd5,
        InputFileStatus status, Uri blobUri, Uri readSasUri, DateTimeOffset sasExpiresOn)
    {
        Container = container;
        BlobName = blobName;
        Path = path;
        Length = length;
        ContentMd5 = contentMd5;
        StatusKind = status;
        BlobUri = blobUri;
        _readSasUri = readSasUri;
        SasExpiresOn = sasExpiresOn;
    }

    public string Container { get; }
    public string BlobName { get; }

    /// <summary>The local file that was uploaded (full path).</summary>
    public string Path { get; }

    public long Length { get; }

    /// <summary>Base64 MD5 of the content, as the blob's Content-MD5 holds it.</summary>
    public string ContentMd5 { get; }

    /// <summary>Uploaded or Unchanged: an <see cref="InputFileStatus"/> name, as a string so ConvertTo-Json writes the name, not a number.</summary>
    public string Status => StatusKind.ToString();

    internal InputFileStatus StatusKind { get; }

    /// <summary>The blob URL without any SAS (safe to display).</summary>
    public Uri BlobUri { get; }

    private readonly Uri _readSasUri;

    /// <summary>SECRET: the blob URL with a read-only SAS, for Batch resource files. A method, not a property, so serialization never walks it.</summary>
    public Uri GetReadSasUri() => _readSasUri;

    /// <summary>When the read SAS URL (<see cref="GetReadSasUri"/>) stops working.</summary>
    public DateTimeOffset SasExpiresOn { get; }

    public override string ToString() => $"{Container}/{BlobName}";
}
