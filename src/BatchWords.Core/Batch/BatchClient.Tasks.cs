using Azure;
using Azure.Core;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

// Tasks and task files (batch-rest-api.md §2.3, §2.5).
public partial class BatchClient
{
    /// <summary>POST /jobs/{jobId}/tasks (201). 409 TaskExists; 404 JobNotFound; 409 once the job has ended.</summary>
    public virtual Response CreateTask(string jobId, BatchTaskCreateOptions task, CancellationToken cancellationToken = default) =>
        EnsureCompleted(CreateTaskCoreAsync(jobId, task, async: false, cancellationToken));

    /// <inheritdoc cref="CreateTask"/>
    public virtual Task<Response> CreateTaskAsync(string jobId, BatchTaskCreateOptions task, CancellationToken cancellationToken = default) =>
        CreateTaskCoreAsync(jobId, task, async: true, cancellationToken).AsTask();

    private async ValueTask<Response> CreateTaskCoreAsync(string jobId, BatchTaskCreateOptions task, bool async, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        ArgumentNullException.ThrowIfNull(task);
        using var message = CreateMessage(RequestMethod.Post, Created201, "jobs", jobId, "tasks");
        SetJsonBody(message, task);
        return await SendAsync(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /jobs/{jobId}/addtaskcollection (200) with at most 100 tasks serialized under 1 MiB: one call, one
    /// result per task (success, clienterror or servererror, in any order). For any number of tasks use
    /// <see cref="CreateTasks"/>, which chunks, retries and reports every task.
    /// </summary>
    public virtual Response<BatchCreateTaskCollectionResult> CreateTaskCollection(string jobId, BatchTaskGroup taskCollection,
        CancellationToken cancellationToken = default) =>
        EnsureCompleted(CreateTaskCollectionCoreAsync(jobId, SerializeGroup(taskCollection), async: false, cancellationToken));

    /// <inheritdoc cref="CreateTaskCollection"/>
    public virtual Task<Response<BatchCreateTaskCollectionResult>> CreateTaskCollectionAsync(string jobId, BatchTaskGroup taskCollection,
        CancellationToken cancellationToken = default) =>
        CreateTaskCollectionCoreAsync(jobId, SerializeGroup(taskCollection), async: true, cancellationToken).AsTask();

    private static byte[] SerializeGroup(BatchTaskGroup taskCollection)
    {
        ArgumentNullException.ThrowIfNull(taskCollection);
        return BatchJson.SerializeToUtf8Bytes(taskCollection);
    }

    /// <summary>Sends an already serialized {"value":[…]} body, so CreateTasks sends exactly the bytes it measured.</summary>
    internal async ValueTask<Response<BatchCreateTaskCollectionResult>> CreateTaskCollectionCoreAsync(string jobId,
        ReadOnlyMemory<byte> utf8Body, bool async, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        using var message = CreateMessage(RequestMethod.Post, Ok200, "jobs", jobId, "addtaskcollection");
        SetUtf8JsonBody(message, utf8Body);
        return await SendAndReadAsync<BatchCreateTaskCollectionResult>(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds any number of tasks: chunks of at most 100 and under 1 MiB, several in flight, a chunk halved on
    /// RequestBodyTooLarge, servererrors resent, TaskExists counted as added, throttling backed off. Every task
    /// ends in the result as added or failed with its error; nothing is dropped.
    /// </summary>
    /// <exception cref="ArgumentException">A task is null or two tasks share an id (ids are case-insensitive).</exception>
    public virtual CreateTasksResult CreateTasks(string jobId, IEnumerable<BatchTaskCreateOptions> tasksToAdd,
        CreateTasksOptions? createTasksOptions = null, CancellationToken cancellationToken = default)
    {
        var workflow = CreateTasksWorkflow(jobId, tasksToAdd, createTasksOptions);
        // Chunks still go out in parallel: each is sent synchronously on a pool thread (see CreateTasksWorkflow).
        return workflow.RunAsync(async: false, cancellationToken).GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="CreateTasks"/>
    public virtual Task<CreateTasksResult> CreateTasksAsync(string jobId, IEnumerable<BatchTaskCreateOptions> tasksToAdd,
        CreateTasksOptions? createTasksOptions = null, CancellationToken cancellationToken = default) =>
        CreateTasksWorkflow(jobId, tasksToAdd, createTasksOptions).RunAsync(async: true, cancellationToken);

    private CreateTasksWorkflow CreateTasksWorkflow(string jobId, IEnumerable<BatchTaskCreateOptions> tasksToAdd, CreateTasksOptions? options)
    {
        ValidateId(jobId, nameof(jobId));
        ArgumentNullException.ThrowIfNull(tasksToAdd);
        options ??= new CreateTasksOptions();
        options.Validate();
        return new CreateTasksWorkflow(
            (body, async, ct) => CreateTaskCollectionCoreAsync(jobId, body, async, ct), tasksToAdd, options);
    }

    /// <summary>GET /jobs/{jobId}/tasks, following every nextLink. Poll with $filter/$select rather than full objects.</summary>
    public virtual Pageable<BatchTask> GetTasks(string jobId, int? maxresults = null, string? filter = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        ValidateId(jobId, nameof(jobId));
        return CreatePageable<BatchTask>(ListRequest(maxresults, filter, select, "jobs", jobId, "tasks"), cancellationToken);
    }

    /// <inheritdoc cref="GetTasks"/>
    public virtual AsyncPageable<BatchTask> GetTasksAsync(string jobId, int? maxresults = null, string? filter = null,
        IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        ValidateId(jobId, nameof(jobId));
        return CreateAsyncPageable<BatchTask>(ListRequest(maxresults, filter, select, "jobs", jobId, "tasks"), cancellationToken);
    }

    /// <summary>GET /jobs/{jobId}/tasks/{taskId}. 404 TaskNotFound.</summary>
    public virtual Response<BatchTask> GetTask(string jobId, string taskId, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        EnsureCompleted(GetTaskCoreAsync(jobId, taskId, select, async: false, cancellationToken));

    /// <inheritdoc cref="GetTask"/>
    public virtual Task<Response<BatchTask>> GetTaskAsync(string jobId, string taskId, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        GetTaskCoreAsync(jobId, taskId, select, async: true, cancellationToken).AsTask();

    private async ValueTask<Response<BatchTask>> GetTaskCoreAsync(string jobId, string taskId, IEnumerable<string>? select, bool async,
        CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        ValidateId(taskId, nameof(taskId));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "jobs", jobId, "tasks", taskId);
        AddSelect(message, select);
        return await SendAndReadAsync<BatchTask>(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /jobs/{jobId}/tasks/{taskId}/terminate (204): the task completes as failed with TaskEnded.</summary>
    public virtual Response TerminateTask(string jobId, string taskId, CancellationToken cancellationToken = default) =>
        EnsureCompleted(TerminateTaskCoreAsync(jobId, taskId, async: false, cancellationToken));

    /// <inheritdoc cref="TerminateTask"/>
    public virtual Task<Response> TerminateTaskAsync(string jobId, string taskId, CancellationToken cancellationToken = default) =>
        TerminateTaskCoreAsync(jobId, taskId, async: true, cancellationToken).AsTask();

    private async ValueTask<Response> TerminateTaskCoreAsync(string jobId, string taskId, bool async, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        ValidateId(taskId, nameof(taskId));
        using var message = CreateMessage(RequestMethod.Post, NoContent204, "jobs", jobId, "tasks", taskId, "terminate");
        return await SendAsync(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DELETE /jobs/{jobId}/tasks/{taskId} (200), which also deletes the task's directory on its node.</summary>
    public virtual Response DeleteTask(string jobId, string taskId, CancellationToken cancellationToken = default) =>
        EnsureCompleted(DeleteTaskCoreAsync(jobId, taskId, async: false, cancellationToken));

    /// <inheritdoc cref="DeleteTask"/>
    public virtual Task<Response> DeleteTaskAsync(string jobId, string taskId, CancellationToken cancellationToken = default) =>
        DeleteTaskCoreAsync(jobId, taskId, async: true, cancellationToken).AsTask();

    private async ValueTask<Response> DeleteTaskCoreAsync(string jobId, string taskId, bool async, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        ValidateId(taskId, nameof(taskId));
        using var message = CreateMessage(RequestMethod.Delete, Ok200, "jobs", jobId, "tasks", taskId);
        return await SendAsync(message, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /jobs/{jobId}/tasks/{taskId}/files/{filePath}: a file of the task directory ("stdout.txt", "wd/out.txt").
    /// <paramref name="ocpRange"/> is "bytes=start-end" (e.g. the tail of a log). 404 FileNotFound.
    /// </summary>
    public virtual Response<BinaryData> GetTaskFile(string jobId, string taskId, string filePath, string? ocpRange = null,
        CancellationToken cancellationToken = default) =>
        EnsureCompleted(GetTaskFileCoreAsync(jobId, taskId, filePath, ocpRange, async: false, cancellationToken));

    /// <inheritdoc cref="GetTaskFile"/>
    public virtual Task<Response<BinaryData>> GetTaskFileAsync(string jobId, string taskId, string filePath, string? ocpRange = null,
        CancellationToken cancellationToken = default) =>
        GetTaskFileCoreAsync(jobId, taskId, filePath, ocpRange, async: true, cancellationToken).AsTask();

    private async ValueTask<Response<BinaryData>> GetTaskFileCoreAsync(string jobId, string taskId, string filePath, string? ocpRange,
        bool async, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        ValidateId(taskId, nameof(taskId));
        ValidateId(filePath, nameof(filePath));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "jobs", jobId, "tasks", taskId, "files", filePath);
        return await SendForFileAsync(message, ocpRange, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /jobs/{jobId}/tasks/{taskId}/files, following every nextLink. Filter: startswith(name,'wd/').</summary>
    public virtual Pageable<BatchNodeFile> GetTaskFiles(string jobId, string taskId, bool? recursive = null, int? maxresults = null,
        string? filter = null, CancellationToken cancellationToken = default) =>
        CreatePageable<BatchNodeFile>(TaskFilesRequest(jobId, taskId, recursive, maxresults, filter), cancellationToken);

    /// <inheritdoc cref="GetTaskFiles"/>
    public virtual AsyncPageable<BatchNodeFile> GetTaskFilesAsync(string jobId, string taskId, bool? recursive = null, int? maxresults = null,
        string? filter = null, CancellationToken cancellationToken = default) =>
        CreateAsyncPageable<BatchNodeFile>(TaskFilesRequest(jobId, taskId, recursive, maxresults, filter), cancellationToken);

    private Func<HttpMessage> TaskFilesRequest(string jobId, string taskId, bool? recursive, int? maxresults, string? filter)
    {
        ValidateId(jobId, nameof(jobId));
        ValidateId(taskId, nameof(taskId));
        return WithRecursive(ListRequest(maxresults, filter, null, "jobs", jobId, "tasks", taskId, "files"), recursive);
    }

    private static Func<HttpMessage> WithRecursive(Func<HttpMessage> createRequest, bool? recursive) => () =>
    {
        var message = createRequest();
        if (recursive is { } value) message.Request.Uri.AppendQuery("recursive", value ? "true" : "false", escapeValue: true);
        return message;
    };

    private async ValueTask<Response<BinaryData>> SendForFileAsync(HttpMessage message, string? ocpRange, bool async,
        CancellationToken cancellationToken)
    {
        message.Request.Headers.SetValue("Accept", "application/octet-stream");
        // ocp-range starts with ocp-, so the Shared Key policy signs it with the other ocp-* headers.
        if (!string.IsNullOrEmpty(ocpRange)) message.Request.Headers.SetValue("ocp-range", ocpRange);
        var response = await SendAsync(message, async, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(response.Content, response);
    }
}
