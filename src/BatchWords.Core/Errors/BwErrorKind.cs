namespace BatchWords;

/// <summary>
/// What kind of failure a <see cref="BwException"/> is. The cmdlets map it onto PowerShell's ErrorCategory;
/// Core has no reference to the engine, so it names the kind instead.
/// </summary>
public enum BwErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    ResourceExists,
    PermissionDenied,
    AuthenticationError,
    ConnectionError,
    OperationTimeout,
    OperationStopped,
    InvalidOperation,
    ResourceUnavailable,
    LimitsExceeded,
    ReadError,
    WriteError,
    /// <summary>A Batch task or start task ran and failed (non-zero exit code, failureInfo).</summary>
    TaskFailed,
}
