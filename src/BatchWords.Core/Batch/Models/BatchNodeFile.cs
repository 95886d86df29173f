using System.Text.Json.Serialization;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>An entry of a task or node file listing; directories have no <see cref="Properties"/>.</summary>
public sealed class BatchNodeFile
{
    /// <summary>Relative to the task directory (or node root); '/' separated on Linux.</summary>
    public string? Name { get; init; }

    public string? Url { get; init; }
    public bool? IsDirectory { get; init; }
    public FileProperties? Properties { get; init; }
}

/// <summary>Properties of a file in a listing.</summary>
public sealed class FileProperties
{
    /// <summary>Not returned on Linux nodes.</summary>
    public DateTimeOffset? CreationTime { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    /// <summary>An int64 the service sends as a JSON string ("695").</summary>
    [JsonConverter(typeof(Int64AsStringConverter))]
    public long ContentLength { get; init; }

    public string? ContentType { get; init; }

    /// <summary>Octal, Linux only.</summary>
    public string? FileMode { get; init; }
}
