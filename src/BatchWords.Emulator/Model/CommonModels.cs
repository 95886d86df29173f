using System.Text.Json;

namespace BatchWords.Emulator.Model;

// Pieces shared by requests and responses: what a caller sends is echoed back as it was given.

public sealed record NameValue
{
    public string? Name { get; init; }
    public string? Value { get; init; }
}

public sealed record ImageReference
{
    public string? Publisher { get; init; }
    public string? Offer { get; init; }
    public string? Sku { get; init; }
    public string? Version { get; init; }
    public string? VirtualMachineImageId { get; init; }
    public string? ExactVersion { get; init; }
}

public sealed record VirtualMachineConfiguration
{
    public ImageReference? ImageReference { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("nodeAgentSKUId")]
    public string? NodeAgentSkuId { get; init; }
}

public sealed record AutoUser
{
    public string? Scope { get; init; }
    public string? ElevationLevel { get; init; }
}

public sealed record UserIdentity
{
    [System.Text.Json.Serialization.JsonPropertyName("username")]
    public string? Username { get; init; }

    public AutoUser? AutoUser { get; init; }
}

public sealed record IdentityReference
{
    public string? ResourceId { get; init; }
}

public sealed record ResourceFile
{
    public string? AutoStorageContainerName { get; init; }
    public string? StorageContainerUrl { get; init; }
    public string? HttpUrl { get; init; }
    public string? BlobPrefix { get; init; }
    public string? FilePath { get; init; }
    public string? FileMode { get; init; }
    public IdentityReference? IdentityReference { get; init; }
}

public sealed record OutputFileContainer
{
    public string? ContainerUrl { get; init; }
    public string? Path { get; init; }
    public IdentityReference? IdentityReference { get; init; }
    public IReadOnlyList<NameValue>? UploadHeaders { get; init; }
}

public sealed record OutputFileDestination
{
    public OutputFileContainer? Container { get; init; }
}

public sealed record OutputFileUploadOptions
{
    public string? UploadCondition { get; init; }
}

public sealed record OutputFile
{
    public string? FilePattern { get; init; }
    public OutputFileDestination? Destination { get; init; }
    public OutputFileUploadOptions? UploadOptions { get; init; }
}

public sealed record StartTask
{
    public string? CommandLine { get; init; }
    public IReadOnlyList<ResourceFile>? ResourceFiles { get; init; }
    public IReadOnlyList<NameValue>? EnvironmentSettings { get; init; }
    public UserIdentity? UserIdentity { get; init; }
    public int? MaxTaskRetryCount { get; init; }
    public bool? WaitForSuccess { get; init; }
    public JsonElement? ContainerSettings { get; init; }
}

public sealed record TaskSchedulingPolicy
{
    public string? NodeFillType { get; init; }
}

public sealed record FailureInfo
{
    public string? Category { get; init; }
    public string? Code { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<NameValue>? Details { get; init; }
}
