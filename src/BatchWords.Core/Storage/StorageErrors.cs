using Azure;

namespace BatchWords;

/// <summary>
/// Translates the SDK's failures into <see cref="BwException"/> (the cmdlets cannot see Azure types): the
/// kind follows the HTTP status, the service's error code is kept, and the message is scrubbed of secrets
/// (a RequestFailedException's message can contain request URLs with SAS signatures).
/// </summary>
internal static class StorageErrors
{
    public static BwException Map(Exception error, string operation, object? target)
    {
        if (error is BwException bw) return bw;
        if (Find<LocalDiskFullException>(error) is { } full)
            return new BwException(BwErrorKind.WriteError, "LocalDiskFull",
                $"{operation} failed: no space left on device. Azurite could not write into '{full.Directory}': the file system holding it has {full.FreeBytes:N0} bytes free.",
                full.Directory,
                "Free space on that disk, or move BATCHWORDS_HOME to a larger one (Disconnect-BwAccount -StopLocalServices first), then retry.", full);
        var failed = error as RequestFailedException
            ?? (error as AggregateException)?.Flatten().InnerExceptions.OfType<RequestFailedException>().LastOrDefault();
        if (failed is null)
            return new BwException(BwErrorKind.ConnectionError, "StorageRequestFailed",
                $"{operation} failed: {ServiceFailureText.FirstLine(error.Message)}", target, "Check that the storage endpoint is reachable.", error) { Status = 0 };

        var (kind, action) = failed.Status switch
        {
            0 => (BwErrorKind.ConnectionError, "Check the network and the blob endpoint; for the Local backend run Connect-BwAccount to restart Azurite."),
            401 => (BwErrorKind.AuthenticationError, "Check the account key, SAS token or Entra ID sign-in."),
            403 when failed.ErrorCode is "AuthenticationFailed" or "AuthorizationFailure" or "InvalidAuthenticationInfo"
                => (BwErrorKind.AuthenticationError, "Check the account key or SAS token (is it expired, or for another account?)."),
            403 => (BwErrorKind.PermissionDenied, "The credential lacks a permission for this request (SAS permissions or Entra ID role such as Storage Blob Data Contributor)."),
            404 => (BwErrorKind.ObjectNotFound, "Check the name; create the container with New-BwContainer."),
            409 or 412 => (BwErrorKind.ResourceExists, "Use -Force to replace it, or choose another name."),
            400 => (BwErrorKind.InvalidArgument, "Check the names and values given."),
            408 => (BwErrorKind.OperationTimeout, "Retry; the service was slow to answer."),
            429 or 500 or 503 => (BwErrorKind.ResourceUnavailable, "Retry later; the service is busy."),
            _ => (BwErrorKind.NotSpecified, "Retry; if it persists, check the service's status."),
        };
        var code = failed.ErrorCode ?? "(no error code)";
        var (requestId, clientRequestId) = ServiceFailureText.RequestIds(failed);
        return new BwException(kind, BwErrorIds.FromStorageService(failed.Status, failed.ErrorCode),
            ServiceFailureText.WithRequestIds($"{operation} failed: {failed.Status} {code}: {ServiceFailureText.ServiceMessage(failed.Message)}", requestId, clientRequestId),
            target, action, failed)
        {
            Status = failed.Status,
            ServiceErrorCode = failed.ErrorCode,
            RequestId = requestId,
            ClientRequestId = clientRequestId,
        };
    }

    /// <summary>The exception of that type in the chain (inner exceptions, and each of an AggregateException's).</summary>
    private static T? Find<T>(Exception? error) where T : Exception => error switch
    {
        null => null,
        T found => found,
        AggregateException many => many.Flatten().InnerExceptions.Select(Find<T>).FirstOrDefault(e => e is not null),
        _ => Find<T>(error.InnerException),
    };
}
