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
    /// <summary>A program the operation needs is not installed (Azurite, Node.js); the message says how to install it.</summary>
    NotInstalled,
    /// <summary>The operation is not available here (the Local backend on a platform it does not run on).</summary>
    NotImplemented,
}
