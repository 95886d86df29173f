using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// The body of POST /jobs/{id}/tasks and one element of an add-task-collection. Required: id and commandLine.
/// Named after Azure.Compute.Batch beta.3 (formerly BatchTaskCreateContent).
/// </summary>
public sealed class BatchTaskCreateOptions
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private BatchTaskCreateOptions() { Id = null!; CommandLine = null!; }

    public BatchTaskCreateOptions(string id, string commandLine)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        CommandLine = commandLine ?? throw new ArgumentNullException(nameof(commandLine));
    }

    /// <summary>Up to 64 letters, digits, '-' and '_'; unique in the job ignoring case.</summary>
    public string Id { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>Run without a shell: wrap in /bin/sh -c "…" for expansion or redirection.</summary>
    public string CommandLine { get; set; }

    public IList<ResourceFile>? ResourceFiles { get; set; }
    public IList<OutputFile>? OutputFiles { get; set; }
    public IList<EnvironmentSetting>? EnvironmentSettings { get; set; }
    public BatchTaskConstraints? Constraints { get; set; }

    /// <summary>Service default 1; at most the pool's taskSlotsPerNode.</summary>
    public int? RequiredSlots { get; set; }

    public UserIdentity? UserIdentity { get; set; }
}
