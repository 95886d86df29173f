// Enumerations describing supported VM images.
// Extensible enums, as Azure.Compute.Batch models them: the wire string is kept exactly (the service
// mixes spellings, so no case transform), unknown values from a newer service round-trip, and
// comparison ignores case because OData filters and samples write e.g. 'Failure' for 'failure'.
using System.Text.Json.Serialization;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>The operating system family of an image.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<OSType>))]
public readonly struct OSType : IEquatable<OSType>, IBatchStringEnum<OSType>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public OSType(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"linux"</summary>
    public static OSType Linux { get; } = new("linux");
    /// <summary>"windows"</summary>
    public static OSType Windows { get; } = new("windows");

    static OSType IBatchStringEnum<OSType>.FromWireValue(string value) => new(value);

    public static bool operator ==(OSType left, OSType right) => left.Equals(right);
    public static bool operator !=(OSType left, OSType right) => !left.Equals(right);
    public static implicit operator OSType(string value) => new(value);

    public bool Equals(OSType other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is OSType other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>Whether Azure Batch verified an image against its node agent.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<ImageVerificationType>))]
public readonly struct ImageVerificationType : IEquatable<ImageVerificationType>, IBatchStringEnum<ImageVerificationType>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public ImageVerificationType(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"verified"</summary>
    public static ImageVerificationType Verified { get; } = new("verified");
    /// <summary>"unverified"</summary>
    public static ImageVerificationType Unverified { get; } = new("unverified");

    static ImageVerificationType IBatchStringEnum<ImageVerificationType>.FromWireValue(string value) => new(value);

    public static bool operator ==(ImageVerificationType left, ImageVerificationType right) => left.Equals(right);
    public static bool operator !=(ImageVerificationType left, ImageVerificationType right) => !left.Equals(right);
    public static implicit operator ImageVerificationType(string value) => new(value);

    public bool Equals(ImageVerificationType other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is ImageVerificationType other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
