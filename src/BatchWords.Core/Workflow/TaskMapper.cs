using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Turns the service's task into a <see cref="BwTask"/>: the input and output names are read from the task's
/// own resource and output files, and every SAS URL is left behind.
/// </summary>
internal static class TaskMapper
{
    /// <summary>The $select that gives <see cref="ToBwTask"/> everything it reads.</summary>
    public const string Select = "id,state,creationTime,resourceFiles,outputFiles,executionInfo,nodeInfo";

    public static BwTask ToBwTask(BatchTask task, string jobId, BwContext context, string? inputPath = null)
    {
        var resource = task.ResourceFiles?.FirstOrDefault();
        var output = task.OutputFiles?.FirstOrDefault()?.Destination.Container;
        var info = task.ExecutionInfo;
        return new BwTask
        {
            Context = context,
            JobId = jobId,
            TaskId = task.Id ?? "",
            State = task.State?.ToString(),
            Result = info?.Result?.ToString(),
            ExitCode = info?.ExitCode,
            FailureCode = info?.FailureInfo?.Code,
            FailureMessage = info?.FailureInfo?.Message,
            InputContainer = resource?.HttpUri is { } inUri ? ContainerOf(inUri, context) : null,
            InputBlobName = resource?.FilePath,
            InputPath = inputPath,
            OutputContainer = output is null ? null : ContainerOf(output.ContainerUri, context),
            OutputBlobName = output?.Path,
            PoolId = task.NodeInfo?.PoolId,
            NodeId = task.NodeInfo?.NodeId,
            RetryCount = info?.RetryCount ?? 0,
            RequeueCount = info?.RequeueCount ?? 0,
            CreationTime = task.CreationTime,
            StartTime = info?.StartTime,
            EndTime = info?.EndTime,
        };
    }

    /// <summary>The container name in a blob or container URL of the context's storage account.</summary>
    public static string? ContainerOf(Uri uri, BwContext context)
    {
        var basePath = context.BlobEndpoint.AbsolutePath.TrimEnd('/');
        var path = uri.AbsolutePath;
        if (!path.StartsWith(basePath + "/", StringComparison.Ordinal)) return null;
        var container = path[(basePath.Length + 1)..].Split('/', 2)[0];
        return container.Length > 0 ? container : null;
    }
}
