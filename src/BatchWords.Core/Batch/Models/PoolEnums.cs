// Enumerations used by pools: lifecycle, allocation, scheduling and deallocation.
// Extensible enums, as Azure.Compute.Batch models them: the wire string is kept exactly (the service
// mixes spellings, so no case transform), unknown values from a newer service round-trip, and
// comparison ignores case because OData filters and samples write e.g. 'Failure' for 'failure'.
using System.Text.Json.Serialization;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>The lifecycle state of a pool.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchPoolState>))]
public readonly struct BatchPoolState : IEquatable<BatchPoolState>, IBatchStringEnum<BatchPoolState>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchPoolState(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"active"</summary>
    public static BatchPoolState Active { get; } = new("active");
    /// <summary>"deleting"</summary>
    public static BatchPoolState Deleting { get; } = new("deleting");

    static BatchPoolState IBatchStringEnum<BatchPoolState>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchPoolState left, BatchPoolState right) => left.Equals(right);
    public static bool operator !=(BatchPoolState left, BatchPoolState right) => !left.Equals(right);
    public static implicit operator BatchPoolState(string value) => new(value);

    public bool Equals(BatchPoolState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchPoolState other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>Whether a pool is resizing.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<AllocationState>))]
public readonly struct AllocationState : IEquatable<AllocationState>, IBatchStringEnum<AllocationState>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public AllocationState(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"steady"</summary>
    public static AllocationState Steady { get; } = new("steady");
    /// <summary>"resizing"</summary>
    public static AllocationState Resizing { get; } = new("resizing");
    /// <summary>"stopping"</summary>
    public static AllocationState Stopping { get; } = new("stopping");

    static AllocationState IBatchStringEnum<AllocationState>.FromWireValue(string value) => new(value);

    public static bool operator ==(AllocationState left, AllocationState right) => left.Equals(right);
    public static bool operator !=(AllocationState left, AllocationState right) => !left.Equals(right);
    public static implicit operator AllocationState(string value) => new(value);

    public bool Equals(AllocationState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is AllocationState other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>How tasks are distributed across the nodes of a pool.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchNodeFillType>))]
public readonly struct BatchNodeFillType : IEquatable<BatchNodeFillType>, IBatchStringEnum<BatchNodeFillType>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchNodeFillType(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"spread"</summary>
    public static BatchNodeFillType Spread { get; } = new("spread");
    /// <summary>"pack"</summary>
    public static BatchNodeFillType Pack { get; } = new("pack");

    static BatchNodeFillType IBatchStringEnum<BatchNodeFillType>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchNodeFillType left, BatchNodeFillType right) => left.Equals(right);
    public static bool operator !=(BatchNodeFillType left, BatchNodeFillType right) => !left.Equals(right);
    public static implicit operator BatchNodeFillType(string value) => new(value);

    public bool Equals(BatchNodeFillType other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchNodeFillType other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>What happens to running tasks when a node leaves a pool.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchNodeDeallocationOption>))]
public readonly struct BatchNodeDeallocationOption : IEquatable<BatchNodeDeallocationOption>, IBatchStringEnum<BatchNodeDeallocationOption>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchNodeDeallocationOption(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"requeue"</summary>
    public static BatchNodeDeallocationOption Requeue { get; } = new("requeue");
    /// <summary>"terminate"</summary>
    public static BatchNodeDeallocationOption Terminate { get; } = new("terminate");
    /// <summary>"taskcompletion"</summary>
    public static BatchNodeDeallocationOption TaskCompletion { get; } = new("taskcompletion");
    /// <summary>"retaineddata"</summary>
    public static BatchNodeDeallocationOption RetainedData { get; } = new("retaineddata");

    static BatchNodeDeallocationOption IBatchStringEnum<BatchNodeDeallocationOption>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchNodeDeallocationOption left, BatchNodeDeallocationOption right) => left.Equals(right);
    public static bool operator !=(BatchNodeDeallocationOption left, BatchNodeDeallocationOption right) => !left.Equals(right);
    public static implicit operator BatchNodeDeallocationOption(string value) => new(value);

    public bool Equals(BatchNodeDeallocationOption other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchNodeDeallocationOption other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
