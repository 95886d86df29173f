using Azure;

namespace BatchWords;

/// <summary>
/// Translates Batch service failures (RequestFailedException carrying the Batch error code) into
/// <see cref="BwException"/>, which is all the cmdlets can see. The kind follows the HTTP status and the
/// recommended action follows the Batch error code where one is well known.
/// </summary>
internal static class BatchErrors
{
    public static BwException Map(Exception error, string operation, object? target)
    {
        if (error is BwException bw) return bw;
        if (error is RequestFailedException failed) return FromService(failed, operation, target);
        if (error is AggregateException aggregate && aggregate.Flatten().InnerExceptions.OfType<RequestFailedException>().LastOrDefault() is { } inner)
            return FromService(inner, operation, target);
        return new BwException(BwErrorKind.ConnectionError, "BatchRequestFailed", $"{operation} failed: {ServiceFailureText.FirstLine(error.Message)}",
            target, "Check that the Batch account URL is reachable; for the Local backend run Connect-BwAccount to restart the emulator.", error) { Status = 0 };
    }

    private static BwException FromService(RequestFailedException failed, string operation, object? target)
    {
        var code = failed.ErrorCode;
        var (kind, action) = (failed.Status, code) switch
        {
            (0, _) => (BwErrorKind.ConnectionError, "Check the network and the Batch account URL; for the Local backend run Connect-BwAccount to restart the emulator."),
            (403, "AuthenticationFailed") or (401, _) => (BwErrorKind.AuthenticationError, "Check the Batch account key, or the Entra ID sign-in and its role on the Batch account."),
            (403, _) => (BwErrorKind.PermissionDenied, "The credential lacks a permission for this request (for Entra ID: a Batch role such as Azure Batch Data Contributor)."),
            (404, "PoolNotFound") => (BwErrorKind.ObjectNotFound, "Check the pool id with Get-BwPool, or create the pool with New-BwPool."),
            (404, "JobNotFound") => (BwErrorKind.ObjectNotFound, "Check the job id with Get-BwJob, or create the job with Start-BwJob."),
            (404, "TaskNotFound") => (BwErrorKind.ObjectNotFound, "Check the task id with Get-BwTask."),
            (404, _) => (BwErrorKind.ObjectNotFound, "Check the id."),
            (409, "PoolBeingDeleted" or "JobBeingDeleted") => (BwErrorKind.InvalidOperation, "Wait until the deletion finishes, or choose another id."),
            (409, "TaskFilesUnavailable") => (BwErrorKind.ResourceUnavailable, "The task has not run on a node yet, so it has no files: wait for it (Wait-BwTask) and try again."),
            (409, "TaskFilesCleanedup") => (BwErrorKind.ObjectNotFound, "The node deleted the task's files after its retention time; they cannot be read any more."),
            (409, "PoolBeingResized" or "PoolBeingCreated") => (BwErrorKind.InvalidOperation, "Wait until the pool's allocation state is steady (Get-BwPool), then try again."),
            (409, "JobCompleted" or "JobBeingTerminated" or "JobNotActive") => (BwErrorKind.InvalidOperation, "The job no longer accepts tasks: use a new -JobId, or remove the job with Remove-BwJob."),
            (409, _) => (BwErrorKind.ResourceExists, "Choose another id, or remove the existing one."),
            (400, _) => (BwErrorKind.InvalidArgument, "Check the ids and values given."),
            (413, _) => (BwErrorKind.LimitsExceeded, "Reduce the size of the request (fewer or smaller resource files)."),
            (408, _) or (500, "OperationTimedOut") => (BwErrorKind.OperationTimeout, "Retry; the service was slow to answer."),
            (429 or 500 or 503, _) => (BwErrorKind.ResourceUnavailable, "Retry later; the Batch service is busy."),
            _ => (BwErrorKind.NotSpecified, "Retry; if it persists, check the Batch service's status."),
        };
        var (requestId, clientRequestId) = ServiceFailureText.RequestIds(failed);
        return new BwException(kind, BwErrorIds.FromBatchService(failed.Status, code),
            ServiceFailureText.WithRequestIds($"{operation} failed: {failed.Status} {code ?? "(no error code)"}: {ServiceFailureText.ServiceMessage(failed.Message)}", requestId, clientRequestId),
            target, action, failed)
        {
            Status = failed.Status,
            ServiceErrorCode = code,
            RequestId = requestId,
            ClientRequestId = clientRequestId,
        };
    }

    /// <summary>Runs a service call, translating any failure.</summary>
    public static async Task<T> Guard<T>(string operation, object? target, Func<Task<T>> call)
    {
        try { return await call().ConfigureAwait(false); }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw Map(e, operation, target); }
    }

    public static async Task Guard(string operation, object? target, Func<Task> call)
    {
        try { await call().ConfigureAwait(false); }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw Map(e, operation, target); }
    }
}
