// Enumerations used by jobs.
// Extensible enums, as Azure.Compute.Batch models them: the wire string is kept exactly (the service
// mixes spellings, so no case transform), unknown values from a newer service round-trip, and
// comparison ignores case because OData filters and samples write e.g. 'Failure' for 'failure'.
using System.Text.Json.Serialization;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>The lifecycle state of a job.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchJobState>))]
public readonly struct BatchJobState : IEquatable<BatchJobState>, IBatchStringEnum<BatchJobState>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchJobState(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"active"</summary>
    public static BatchJobState Active { get; } = new("active");
    /// <summary>"disabling"</summary>
    public static BatchJobState Disabling { get; } = new("disabling");
    /// <summary>"disabled"</summary>
    public static BatchJobState Disabled { get; } = new("disabled");
    /// <summary>"enabling"</summary>
    public static BatchJobState Enabling { get; } = new("enabling");
    /// <summary>"terminating"</summary>
    public static BatchJobState Terminating { get; } = new("terminating");
    /// <summary>"completed"</summary>
    public static BatchJobState Completed { get; } = new("completed");
    /// <summary>"deleting"</summary>
    public static BatchJobState Deleting { get; } = new("deleting");

    static BatchJobState IBatchStringEnum<BatchJobState>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchJobState left, BatchJobState right) => left.Equals(right);
    public static bool operator !=(BatchJobState left, BatchJobState right) => !left.Equals(right);
    public static implicit operator BatchJobState(string value) => new(value);

    public bool Equals(BatchJobState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchJobState other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>What the service does when every task of a job is complete (onAllTasksComplete).</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchAllTasksCompleteMode>))]
public readonly struct BatchAllTasksCompleteMode : IEquatable<BatchAllTasksCompleteMode>, IBatchStringEnum<BatchAllTasksCompleteMode>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchAllTasksCompleteMode(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"noaction"</summary>
    public static BatchAllTasksCompleteMode NoAction { get; } = new("noaction");
    /// <summary>"terminatejob"</summary>
    public static BatchAllTasksCompleteMode TerminateJob { get; } = new("terminatejob");

    static BatchAllTasksCompleteMode IBatchStringEnum<BatchAllTasksCompleteMode>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchAllTasksCompleteMode left, BatchAllTasksCompleteMode right) => left.Equals(right);
    public static bool operator !=(BatchAllTasksCompleteMode left, BatchAllTasksCompleteMode right) => !left.Equals(right);
    public static implicit operator BatchAllTasksCompleteMode(string value) => new(value);

    public bool Equals(BatchAllTasksCompleteMode other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchAllTasksCompleteMode other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>What the service does when a task of a job fails (onTaskFailure).</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchTaskFailureMode>))]
public readonly struct BatchTaskFailureMode : IEquatable<BatchTaskFailureMode>, IBatchStringEnum<BatchTaskFailureMode>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchTaskFailureMode(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"noaction"</summary>
    public static BatchTaskFailureMode NoAction { get; } = new("noaction");
    /// <summary>"performexitoptionsjobaction"</summary>
    public static BatchTaskFailureMode PerformExitOptionsJobAction { get; } = new("performexitoptionsjobaction");

    static BatchTaskFailureMode IBatchStringEnum<BatchTaskFailureMode>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchTaskFailureMode left, BatchTaskFailureMode right) => left.Equals(right);
    public static bool operator !=(BatchTaskFailureMode left, BatchTaskFailureMode right) => !left.Equals(right);
    public static implicit operator BatchTaskFailureMode(string value) => new(value);

    public bool Equals(BatchTaskFailureMode other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchTaskFailureMode other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
