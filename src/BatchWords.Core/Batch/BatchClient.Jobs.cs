using Azure;
using Azure.Core;

namespace BatchWords.Batch;

// Jobs (batch-rest-api.md §2.2).
public partial class BatchClient
{
    /// <summary>POST /jobs (201). 409 JobExists when the id is taken. A missing pool is accepted: tasks wait for it.</summary>
    public virtual Task<Response> CreateJobAsync(BatchJobCreateOptions job, CancellationToken cancellationToken = default) =>
        CreateJobCoreAsync(job, cancellationToken).AsTask();

    private async ValueTask<Response> CreateJobCoreAsync(BatchJobCreateOptions job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var message = CreateMessage(RequestMethod.Post, Created201, "jobs");
        SetJsonBody(message, job);
        return await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /jobs/{jobId}. 404 JobNotFound.</summary>
    public virtual Task<Response<BatchJob>> GetJobAsync(string jobId, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        GetJobCoreAsync(jobId, select, cancellationToken).AsTask();

    private async ValueTask<Response<BatchJob>> GetJobCoreAsync(string jobId, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "jobs", jobId);
        AddSelect(message, select);
        return await SendAndReadAsync<BatchJob>(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /jobs, following every nextLink.</summary>
    public virtual AsyncPageable<BatchJob> GetJobsAsync(int? maxresults = null, string? filter = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        CreateAsyncPageable<BatchJob>(ListRequest(maxresults, filter, select, "jobs"), cancellationToken);

    /// <summary>
    /// DELETE /jobs/{jobId} (202): the job goes to "deleting" with its tasks and their files. Azure.Compute.Batch
    /// beta.3 returns a long-running operation here; this client returns the 202.
    /// </summary>
    public virtual Task<Response> DeleteJobAsync(string jobId, bool? force = null, CancellationToken cancellationToken = default) =>
        DeleteJobCoreAsync(jobId, force, cancellationToken).AsTask();

    private async ValueTask<Response> DeleteJobCoreAsync(string jobId, bool? force, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        using var message = CreateMessage(RequestMethod.Delete, Accepted202, "jobs", jobId);
        AddForce(message, force);
        return await SendDeleteAsync(message, BatchErrorCodeStrings.JobBeingDeleted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /jobs/{jobId}/terminate (202): running tasks are killed, active ones never run, no task can be added
    /// afterwards. The reason defaults to "UserTerminate" on the service side.
    /// </summary>
    public virtual Task<Response> TerminateJobAsync(string jobId, BatchJobTerminateOptions? options = null, bool? force = null,
        CancellationToken cancellationToken = default) =>
        TerminateJobCoreAsync(jobId, options, force, cancellationToken).AsTask();

    private async ValueTask<Response> TerminateJobCoreAsync(string jobId, BatchJobTerminateOptions? options, bool? force,
        CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        using var message = CreateMessage(RequestMethod.Post, Accepted202, "jobs", jobId, "terminate");
        AddForce(message, force);
        if (options is not null) SetJsonBody(message, options);
        return await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /jobs/{jobId}/taskcounts: counts by state, cheap enough to poll (they may lag).</summary>
    public virtual Task<Response<BatchTaskCountsResult>> GetJobTaskCountsAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetJobTaskCountsCoreAsync(jobId, cancellationToken).AsTask();

    private async ValueTask<Response<BatchTaskCountsResult>> GetJobTaskCountsCoreAsync(string jobId, CancellationToken cancellationToken)
    {
        ValidateId(jobId, nameof(jobId));
        using var message = CreateMessage(RequestMethod.Get, Ok200, "jobs", jobId, "taskcounts");
        return await SendAndReadAsync<BatchTaskCountsResult>(message, cancellationToken).ConfigureAwait(false);
    }

    private static void AddForce(HttpMessage message, bool? force)
    {
        if (force is { } value) message.Request.Uri.AppendQuery("force", value ? "true" : "false", escapeValue: true);
    }
}
