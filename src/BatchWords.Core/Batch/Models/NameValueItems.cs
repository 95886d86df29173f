// The small name/value records the API uses in several places. They are separate types (as in
// Azure.Compute.Batch) because they mean different things, even though they share a shape.
using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>An environment variable for a task or start task (task values override job values of the same name).</summary>
public sealed class EnvironmentSetting
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private EnvironmentSetting() { Name = null!; }

    public EnvironmentSetting(string name, string? value = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Value = value;
    }

    public string Name { get; set; }
    public string? Value { get; set; }
}

/// <summary>A metadata entry on a pool or job; the service does not interpret it.</summary>
public sealed class MetadataItem
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private MetadataItem() { Name = null!; Value = null!; }

    public MetadataItem(string name, string value)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    public string Name { get; set; }
    public string Value { get; set; }
}

/// <summary>A name/value detail attached to failure and scheduling-error information.</summary>
public sealed class NameValuePair
{
    public string? Name { get; init; }
    public string? Value { get; init; }
}
