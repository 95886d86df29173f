// Enumerations used by tasks and their results.
// Extensible enums, as Azure.Compute.Batch models them: the wire string is kept exactly (the service
// mixes spellings, so no case transform), unknown values from a newer service round-trip, and
// comparison ignores case because OData filters and samples write e.g. 'Failure' for 'failure'.
using System.Text.Json.Serialization;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>The state of a task: active (queued), preparing, running or completed (for any reason).</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchTaskState>))]
public readonly struct BatchTaskState : IEquatable<BatchTaskState>, IBatchStringEnum<BatchTaskState>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchTaskState(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"active"</summary>
    public static BatchTaskState Active { get; } = new("active");
    /// <summary>"preparing"</summary>
    public static BatchTaskState Preparing { get; } = new("preparing");
    /// <summary>"running"</summary>
    public static BatchTaskState Running { get; } = new("running");
    /// <summary>"completed"</summary>
    public static BatchTaskState Completed { get; } = new("completed");

    static BatchTaskState IBatchStringEnum<BatchTaskState>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchTaskState left, BatchTaskState right) => left.Equals(right);
    public static bool operator !=(BatchTaskState left, BatchTaskState right) => !left.Equals(right);
    public static implicit operator BatchTaskState(string value) => new(value);

    public bool Equals(BatchTaskState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchTaskState other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>The outcome of a completed task or start task. A task can exit 0 and still fail (an upload failed).</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchTaskExecutionResult>))]
public readonly struct BatchTaskExecutionResult : IEquatable<BatchTaskExecutionResult>, IBatchStringEnum<BatchTaskExecutionResult>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchTaskExecutionResult(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"success"</summary>
    public static BatchTaskExecutionResult Success { get; } = new("success");
    /// <summary>"failure"</summary>
    public static BatchTaskExecutionResult Failure { get; } = new("failure");

    static BatchTaskExecutionResult IBatchStringEnum<BatchTaskExecutionResult>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchTaskExecutionResult left, BatchTaskExecutionResult right) => left.Equals(right);
    public static bool operator !=(BatchTaskExecutionResult left, BatchTaskExecutionResult right) => !left.Equals(right);
    public static implicit operator BatchTaskExecutionResult(string value) => new(value);

    public bool Equals(BatchTaskExecutionResult other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchTaskExecutionResult other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>Who caused a task failure.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchErrorSourceCategory>))]
public readonly struct BatchErrorSourceCategory : IEquatable<BatchErrorSourceCategory>, IBatchStringEnum<BatchErrorSourceCategory>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchErrorSourceCategory(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"usererror"</summary>
    public static BatchErrorSourceCategory UserError { get; } = new("usererror");
    /// <summary>"servererror"</summary>
    public static BatchErrorSourceCategory ServerError { get; } = new("servererror");

    static BatchErrorSourceCategory IBatchStringEnum<BatchErrorSourceCategory>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchErrorSourceCategory left, BatchErrorSourceCategory right) => left.Equals(right);
    public static bool operator !=(BatchErrorSourceCategory left, BatchErrorSourceCategory right) => !left.Equals(right);
    public static implicit operator BatchErrorSourceCategory(string value) => new(value);

    public bool Equals(BatchErrorSourceCategory other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchErrorSourceCategory other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>The per-task status in an add-task-collection response.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<BatchTaskAddStatus>))]
public readonly struct BatchTaskAddStatus : IEquatable<BatchTaskAddStatus>, IBatchStringEnum<BatchTaskAddStatus>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public BatchTaskAddStatus(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"success"</summary>
    public static BatchTaskAddStatus Success { get; } = new("success");
    /// <summary>"clienterror"</summary>
    public static BatchTaskAddStatus ClientError { get; } = new("clienterror");
    /// <summary>"servererror"</summary>
    public static BatchTaskAddStatus ServerError { get; } = new("servererror");

    static BatchTaskAddStatus IBatchStringEnum<BatchTaskAddStatus>.FromWireValue(string value) => new(value);

    public static bool operator ==(BatchTaskAddStatus left, BatchTaskAddStatus right) => left.Equals(right);
    public static bool operator !=(BatchTaskAddStatus left, BatchTaskAddStatus right) => !left.Equals(right);
    public static implicit operator BatchTaskAddStatus(string value) => new(value);

    public bool Equals(BatchTaskAddStatus other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is BatchTaskAddStatus other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}

/// <summary>When a task's output file is uploaded.</summary>
[JsonConverter(typeof(BatchStringEnumConverter<OutputFileUploadCondition>))]
public readonly struct OutputFileUploadCondition : IEquatable<OutputFileUploadCondition>, IBatchStringEnum<OutputFileUploadCondition>
{
    private readonly string? _value;

    /// <summary>Wraps a wire value, including one this version does not know.</summary>
    public OutputFileUploadCondition(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>"tasksuccess"</summary>
    public static OutputFileUploadCondition TaskSuccess { get; } = new("tasksuccess");
    /// <summary>"taskfailure"</summary>
    public static OutputFileUploadCondition TaskFailure { get; } = new("taskfailure");
    /// <summary>"taskcompletion"</summary>
    public static OutputFileUploadCondition TaskCompletion { get; } = new("taskcompletion");

    static OutputFileUploadCondition IBatchStringEnum<OutputFileUploadCondition>.FromWireValue(string value) => new(value);

    public static bool operator ==(OutputFileUploadCondition left, OutputFileUploadCondition right) => left.Equals(right);
    public static bool operator !=(OutputFileUploadCondition left, OutputFileUploadCondition right) => !left.Equals(right);
    public static implicit operator OutputFileUploadCondition(string value) => new(value);

    public bool Equals(OutputFileUploadCondition other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is OutputFileUploadCondition other && Equals(other);
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The exact wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
