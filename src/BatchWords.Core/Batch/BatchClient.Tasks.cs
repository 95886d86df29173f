using Azure;
using Azure.Core;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

// Tasks and task files (batch-rest-api.md §2.3, §2.5).
public partial class BatchClient
{
    /// <summary>Sends an already serialized {"value":[…]} body, so CreateTasksAsync sends exactly the bytes it measured.</summary>
    internal async ValueTask<Response<BatchCreateTaskCollectionResult>> CreateTaskCollectionCoreAsync(string jobId,
        ReadOnlyMemory<byte> utf8Body, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        using var message = CreateMessage(RequestMethod.Post, Ok200, "jobs", jobId, "addtaskcollection");
        SetUtf8JsonBody(message, utf8Body);
        return await SendAndReadAsync<BatchCreateTaskCollectionResult>(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds any number of tasks: chunks of at most 100 and under 1 MiB, several in flight, a chunk halved on
    /// RequestBodyTooLarge, servererrors resent, TaskExists counted as added, throttling backed off. Every task
    /// ends in the result as added or failed with its error; nothing is dropped.
    /// </summary>
    /// <exception cref="ArgumentException">A task is null or two tasks share an id (ids are case-insensitive).</exception>
    public virtual Task<CreateTasksResult> CreateTasksAsync(string jobId, IEnumerable<BatchTaskCreateOptions> tasksToAdd,
        CreateTasksOptions? createTasksOptions = null, CancellationToken cancellationToken = default) =>
        CreateTasksWorkflow(jobId, tasksToAdd, createTasksOptions).RunAsync(cancellationToken);

    private CreateTasksWorkflow CreateTasksWorkflow(string jobId, IEnumerable<BatchTaskCreateOptions> tasksToAdd, CreateTasksOptions? options)
    {
        ValidateId(jobId, nameof(jobId));
        ArgumentNullException.ThrowIfNull(tasksToAdd);
        options ??= new CreateTasksOptions();
        options.Validate();
        return new CreateTasksWorkflow(
            (body, ct) => CreateTaskCollectionCoreAsync(jobId, body, ct), tasksToAdd, options);
    }

    /// <summary>GET /jobs/{jobId}/tasks, following every nextLink. Poll with $filter/$select rather than full objects.</summary>
    public virtual AsyncPageable<BatchTask> GetTasksAsync(string jobId, int? maxresults = null, string? filter = null,
        IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        ValidateId(jobId, nameof(jobId));
        return CreateAsyncPageable<BatchTask>(ListRequest(maxresults, filter, select, "jobs", jobId, "tasks"), cancellationToken);
    }

    /// <summary>GET /jobs/{jobId}/tasks/{taskId}. 404 TaskNotFound.</summary>
    public virtual Task<Response<BatchTask>> GetTaskAsync(string jobId, string taskId, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        GetTaskCoreAsync(jobId, taskId, select, cancellationToken).AsTask();

    private async ValueTask<Response<BatchTask>> GetTaskCoreAsync(string jobId, string taskId, IEnumerable<string>? select,
        CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        ValidateId(taskId, nameof(taskId));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "jobs", jobId, "tasks", taskId);
        AddSelect(message, select);
        return await SendAndReadAsync<BatchTask>(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /jobs/{jobId}/tasks/{taskId}/files/{filePath}: a file of the task directory ("stdout.txt", "wd/out.txt").
    /// <paramref name="ocpRange"/> is "bytes=start-end" (e.g. the tail of a log). 404 FileNotFound.
    /// </summary>
    public virtual Task<Response<BinaryData>> GetTaskFileAsync(string jobId, string taskId, string filePath, string? ocpRange = null,
        CancellationToken cancellationToken = default) =>
        GetTaskFileCoreAsync(jobId, taskId, filePath, ocpRange, cancellationToken).AsTask();

    private async ValueTask<Response<BinaryData>> GetTaskFileCoreAsync(string jobId, string taskId, string filePath, string? ocpRange,
        CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        ValidateId(taskId, nameof(taskId));
        ValidateId(filePath, nameof(filePath));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "jobs", jobId, "tasks", taskId, "files", filePath);
        return await SendForFileAsync(message, ocpRange, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Response<BinaryData>> SendForFileAsync(HttpMessage message, string? ocpRange,
        CancellationToken cancellationToken)
    {
        message.Request.Headers.SetValue("Accept", "application/octet-stream");
        // ocp-range starts with ocp-, so the Shared Key policy signs it with the other ocp-* headers.
        if (!string.IsNullOrEmpty(ocpRange)) message.Request.Headers.SetValue("ocp-range", ocpRange);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(response.Content, response);
    }
}
