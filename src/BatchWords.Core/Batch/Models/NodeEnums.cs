// Enumerations describing compute nodes and their start task.
// Extensible enums, as Azure.Compute.Batch models them: the wire string is kept exactly (the service
// mixes spellings, so no case transform), unknown values from a newer service round-trip, and
// comparison ignores case because OData filters and samples write e.g. 'Failure' for 'failure'.
using System.Text.Json.Serialization;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>The state of a compute node.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchNodeState>))]
public readonly struct BatchNodeState : IEquatable<BatchNodeState>, IBatchStringEnum<BatchNodeState>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchNodeState(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"idle"</summary>
    public static BatchNodeState Idle { get; } = new("idle");
    /// <summary>"rebooting"</summary>
    public static BatchNodeState Rebooting { get; } = new("rebooting");
    /// <summary>"reimaging"</summary>
    public static BatchNodeState Reimaging { get; } = new("reimaging");
    /// <summary>"running"</summary>
    public static BatchNodeState Running { get; } = new("running");
    /// <summary>"unusable"</summary>
    public static BatchNodeState Unusable { get; } = new("unusable");
    /// <summary>"creating"</summary>
    public static BatchNodeState Creating { get; } = new("creating");
    /// <summary>"starting"</summary>
    public static BatchNodeState Starting { get; } = new("starting");
    /// <summary>"waitingforstarttask"</summary>
    public static BatchNodeState WaitingForStartTask { get; } = new("waitingforstarttask");
    /// <summary>"starttaskfailed"</summary>
    public static BatchNodeState StartTaskFailed { get; } = new("starttaskfailed");
    /// <summary>"unknown"</summary>
    public static BatchNodeState Unknown { get; } = new("unknown");
    /// <summary>"leavingpool"</summary>
    public static BatchNodeState LeavingPool { get; } = new("leavingpool");
    /// <summary>"offline"</summary>
    public static BatchNodeState Offline { get; } = new("offline");
    /// <summary>"preempted"</summary>
    public static BatchNodeState Preempted { get; } = new("preempted");
    /// <summary>"upgradingos"</summary>
    public static BatchNodeState UpgradingOS { get; } = new("upgradingos");
    /// <summary>"deallocated"</summary>
    public static BatchNodeState Deallocated { get; } = new("deallocated");
    /// <summary>"deallocating"</summary>
    public static BatchNodeState Deallocating { get; } = new("deallocating");

    static BatchNodeState IBatchStringEnum<BatchNodeState>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchNodeState left, BatchNodeState right) => left.Equals(right);
    public static bool operator !=(BatchNodeState left, BatchNodeState right) => !left.Equals(right);
    public static implicit operator BatchNodeState(string value) => new(value);

    public bool Equals(BatchNodeState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchNodeState other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>Whether a node accepts new tasks.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<SchedulingState>))]
public readonly struct SchedulingState : IEquatable<SchedulingState>, IBatchStringEnum<SchedulingState>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public SchedulingState(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"enabled"</summary>
    public static SchedulingState Enabled { get; } = new("enabled");
    /// <summary>"disabled"</summary>
    public static SchedulingState Disabled { get; } = new("disabled");

    static SchedulingState IBatchStringEnum<SchedulingState>.FromWireValue(string value) => new(value);

    public static bool operator ==(SchedulingState left, SchedulingState right) => left.Equals(right);
    public static bool operator !=(SchedulingState left, SchedulingState right) => !left.Equals(right);
    public static implicit operator SchedulingState(string value) => new(value);

    public bool Equals(SchedulingState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is SchedulingState other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>The state of a node's start task.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchStartTaskState>))]
public readonly struct BatchStartTaskState : IEquatable<BatchStartTaskState>, IBatchStringEnum<BatchStartTaskState>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchStartTaskState(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"running"</summary>
    public static BatchStartTaskState Running { get; } = new("running");
    /// <summary>"completed"</summary>
    public static BatchStartTaskState Completed { get; } = new("completed");

    static BatchStartTaskState IBatchStringEnum<BatchStartTaskState>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchStartTaskState left, BatchStartTaskState right) => left.Equals(right);
    public static bool operator !=(BatchStartTaskState left, BatchStartTaskState right) => !left.Equals(right);
    public static implicit operator BatchStartTaskState(string value) => new(value);

    public bool Equals(BatchStartTaskState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchStartTaskState other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
