using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// Files the node uploads to a blob container after the task's process exits. All three of
/// <see cref="FilePattern"/>, <see cref="Destination"/> and <see cref="UploadOptions"/> are required by the service.
/// </summary>
public sealed class OutputFile
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private OutputFile() { FilePattern = null!; Destination = null!; UploadOptions = null!; }

    public OutputFile(string filePattern, OutputFileDestination destination, OutputFileUploadConfig uploadOptions)
    {
        FilePattern = filePattern ?? throw new ArgumentNullException(nameof(filePattern));
        Destination = destination ?? throw new ArgumentNullException(nameof(destination));
        UploadOptions = uploadOptions ?? throw new ArgumentNullException(nameof(uploadOptions));
    }

    /// <summary>Relative to the working directory; supports *, **, ?, [abc]. "../stdout.txt" reaches the task directory.</summary>
    public string FilePattern { get; set; }

    public OutputFileDestination Destination { get; set; }

    public OutputFileUploadConfig UploadOptions { get; set; }
}

/// <summary>Where output files go.</summary>
public sealed class OutputFileDestination
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private OutputFileDestination() { Container = null!; }

    public OutputFileDestination(OutputFileBlobContainerDestination container) =>
        Container = container ?? throw new ArgumentNullException(nameof(container));

    public OutputFileBlobContainerDestination Container { get; set; }
}

/// <summary>A blob container destination. Names follow Azure.Compute.Batch beta.3 (ContainerUrl became ContainerUri).</summary>
public sealed class OutputFileBlobContainerDestination
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private OutputFileBlobContainerDestination() { ContainerUri = null!; }

    public OutputFileBlobContainerDestination(Uri containerUri) =>
        ContainerUri = containerUri ?? throw new ArgumentNullException(nameof(containerUri));

    /// <summary>The container URL with a SAS granting write permission.</summary>
    [JsonPropertyName("containerUrl")]
    public Uri ContainerUri { get; set; }

    /// <summary>Exact blob name when the pattern has no wildcard; a virtual-directory prefix otherwise.</summary>
    public string? Path { get; set; }

    public BatchNodeIdentityReference? IdentityReference { get; set; }

    public IList<OutputFileUploadHeader>? UploadHeaders { get; set; }
}

/// <summary>An HTTP header sent with each output file upload.</summary>
public sealed class OutputFileUploadHeader
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private OutputFileUploadHeader() { Name = null!; }

    public OutputFileUploadHeader(string name, string? value = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Value = value;
    }

    public string Name { get; set; }
    public string? Value { get; set; }
}

/// <summary>When to upload: on success, on failure, or always.</summary>
public sealed class OutputFileUploadConfig
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private OutputFileUploadConfig() { }

    public OutputFileUploadConfig(OutputFileUploadCondition uploadCondition) => UploadCondition = uploadCondition;

    public OutputFileUploadCondition UploadCondition { get; set; }
}
