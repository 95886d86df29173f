// Enumerations of the auto-user a task runs as.
// Extensible enums, as Azure.Compute.Batch models them: the wire string is kept exactly (the service
// mixes spellings, so no case transform), unknown values from a newer service round-trip, and
// comparison ignores case because OData filters and samples write e.g. 'Failure' for 'failure'.
using System.Text.Json.Serialization;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>Whether the auto-user is shared by the pool or created per task.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<AutoUserScope>))]
public readonly struct AutoUserScope : IEquatable<AutoUserScope>, IBatchStringEnum<AutoUserScope>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public AutoUserScope(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"task"</summary>
    public static AutoUserScope Task { get; } = new("task");
    /// <summary>"pool"</summary>
    public static AutoUserScope Pool { get; } = new("pool");

    static AutoUserScope IBatchStringEnum<AutoUserScope>.FromWireValue(string value) => new(value);

    public static bool operator ==(AutoUserScope left, AutoUserScope right) => left.Equals(right);
    public static bool operator !=(AutoUserScope left, AutoUserScope right) => !left.Equals(right);
    public static implicit operator AutoUserScope(string value) => new(value);

    public bool Equals(AutoUserScope other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is AutoUserScope other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>Whether the auto-user is an administrator.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<ElevationLevel>))]
public readonly struct ElevationLevel : IEquatable<ElevationLevel>, IBatchStringEnum<ElevationLevel>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public ElevationLevel(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"nonadmin"</summary>
    public static ElevationLevel NonAdmin { get; } = new("nonadmin");
    /// <summary>"admin"</summary>
    public static ElevationLevel Admin { get; } = new("admin");

    static ElevationLevel IBatchStringEnum<ElevationLevel>.FromWireValue(string value) => new(value);

    public static bool operator ==(ElevationLevel left, ElevationLevel right) => left.Equals(right);
    public static bool operator !=(ElevationLevel left, ElevationLevel right) => !left.Equals(right);
    public static implicit operator ElevationLevel(string value) => new(value);

    public bool Equals(ElevationLevel other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is ElevationLevel other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
