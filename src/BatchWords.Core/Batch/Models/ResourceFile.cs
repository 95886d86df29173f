using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// A file the node downloads into the task's working directory before the command runs. Give exactly one
/// source: <see cref="HttpUri"/> (with <see cref="FilePath"/> naming the file), <see cref="StorageContainerUri"/>
/// or <see cref="AutoStorageContainerName"/>. Names follow Azure.Compute.Batch beta.3 (HttpUrl became HttpUri).
/// </summary>
public sealed class ResourceFile
{
    public string? AutoStorageContainerName { get; set; }

    /// <summary>A container SAS URL with list and read permission.</summary>
    [JsonPropertyName("storageContainerUrl")]
    public Uri? StorageContainerUri { get; set; }

    /// <summary>A URL the node can GET, typically a blob with a read SAS.</summary>
    [JsonPropertyName("httpUrl")]
    public Uri? HttpUri { get; set; }

    /// <summary>Only for container sources: download the blobs whose names start with this prefix.</summary>
    public string? BlobPrefix { get; set; }

    /// <summary>With HttpUri, the file name (relative to the working directory); otherwise a target directory.</summary>
    public string? FilePath { get; set; }

    /// <summary>Octal permission string such as "0755" (Linux only; service default 0770).</summary>
    public string? FileMode { get; set; }

    public BatchNodeIdentityReference? IdentityReference { get; set; }
}

/// <summary>A user-assigned managed identity of the pool, by its ARM resource id.</summary>
public sealed class BatchNodeIdentityReference
{
    public string? ResourceId { get; set; }
}
