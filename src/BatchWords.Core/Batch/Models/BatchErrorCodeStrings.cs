namespace BatchWords.Batch;

/// <summary>
/// Batch error codes callers branch on (compare with RequestFailedException.ErrorCode or BatchError.Code), as in
/// Azure.Compute.Batch's BatchErrorCodeStrings. Only the codes BatchWords meets are listed.
/// </summary>
public static class BatchErrorCodeStrings
{
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string ConditionNotMet = "ConditionNotMet";
    public const string FileNotFound = "FileNotFound";
    public const string InternalError = "InternalError";
    public const string InvalidPropertyValue = "InvalidPropertyValue";
    public const string InvalidQueryParameterValue = "InvalidQueryParameterValue";
    public const string InvalidRange = "InvalidRange";
    public const string JobBeingDeleted = "JobBeingDeleted";
    public const string JobBeingTerminated = "JobBeingTerminated";
    public const string JobCompleted = "JobCompleted";
    public const string JobExists = "JobExists";
    public const string JobNotFound = "JobNotFound";
    public const string MissingRequiredProperty = "MissingRequiredProperty";
    public const string MissingRequiredQueryParameter = "MissingRequiredQueryParameter";
    public const string NodeNotFound = "NodeNotFound";
    public const string OperationTimedOut = "OperationTimedOut";
    public const string PoolBeingDeleted = "PoolBeingDeleted";
    public const string PoolBeingResized = "PoolBeingResized";
    public const string PoolExists = "PoolExists";
    public const string PoolNotFound = "PoolNotFound";
    public const string RequestBodyTooLarge = "RequestBodyTooLarge";

    /// <summary>The spelling some spec descriptions use for <see cref="RequestBodyTooLarge"/>; treat both alike.</summary>
    public const string RequestEntityTooLarge = "RequestEntityTooLarge";

    public const string ServerBusy = "ServerBusy";
    public const string TaskCompleted = "TaskCompleted";
    public const string TaskExists = "TaskExists";
    public const string TaskFilesCleanedup = "TaskFilesCleanedup";
    public const string TaskFilesUnavailable = "TaskFilesUnavailable";
    public const string TaskNotFound = "TaskNotFound";
    public const string TooManyRequests = "TooManyRequests";
}
