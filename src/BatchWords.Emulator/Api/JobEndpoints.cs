using System.Net;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.Query;
using BatchWords.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.Api;

/// <summary>Jobs (§2.2): create, list, get, patch, delete, terminate, taskcounts.</summary>
public static class JobEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/jobs", context => context.Request.Method switch
        {
            "GET" => List(context),
            "POST" => CreateAsync(context),
            _ => EndpointHelpers.NotAllowed(context),
        });
        app.Map("/jobs/{jobId}", context => context.Request.Method switch
        {
            "GET" => Get(context),
            "PATCH" => PatchAsync(context),
            "DELETE" => Delete(context),
            _ => EndpointHelpers.NotAllowed(context),
        });
        app.Map("/jobs/{jobId}/terminate", context => context.IsMethod("POST") ? TerminateAsync(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/jobs/{jobId}/taskcounts", context => context.IsMethod("GET") ? TaskCounts(context) : EndpointHelpers.NotAllowed(context));
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var spec = Validate(await JsonBodies.ReadAsync<JobCreateRequest>(context).ConfigureAwait(false));
        var runtime = context.Runtime();
        var state = runtime.State;
        JobResponse created;
        lock (state.Gate)
        {
            if (state.Jobs.TryGetValue(spec.Id!, out var existing))
                throw existing.State == "deleting" ? BatchRequestException.JobBeingDeleted() : BatchRequestException.Conflict("JobExists", "The specified job already exists.");
            // A pool that does not exist (yet) is accepted: the tasks wait for it (§2.2).
            var job = new JobState(spec, state.NextSequence(), state.NewETag(), EmulatorState.Now);
            state.Jobs[job.Id] = job;
            state.Changed(job);
            runtime.Jobs.ArmWallClock(job);
            // A job with zero tasks counts as all-complete (§2.2): created with terminatejob, it ends at once.
            runtime.Jobs.AfterTaskFinished(job);
            created = job.ToResponse(BaseUrl.Of(context));
        }
        ResourceHeaders.SetVersion(context, created.ETag, created.LastModified);
        ResourceHeaders.SetDataServiceId(context, created.Url);
        await context.Empty(HttpStatusCode.Created).ConfigureAwait(false);
    }

    private static JobCreateRequest Validate(JobCreateRequest job)
    {
        Validation.Id(job.Id);
        var poolInfo = Validation.Required(job.PoolInfo, "poolInfo");
        Validation.NotPresent(poolInfo.AutoPoolSpecification, "poolInfo.autoPoolSpecification", "The emulator has no auto pools; create the pool and give its poolId.");
        Validation.Id(poolInfo.PoolId, "poolInfo.poolId");
        Validation.NotPresent(job.JobManagerTask, "jobManagerTask", "The emulator runs no job manager task.");
        Validation.NotPresent(job.JobPreparationTask, "jobPreparationTask", "The emulator runs no job preparation task.");
        Validation.NotPresent(job.JobReleaseTask, "jobReleaseTask", "The emulator runs no job release task.");
        CheckPriorityAndConstraints(job.Priority, job.Constraints, job.MaxParallelTasks);
        Validation.Environment(job.CommonEnvironmentSettings, "commonEnvironmentSettings");
        Validation.Metadata(job.Metadata, "metadata");
        return job with
        {
            OnAllTasksComplete = WireEnums.Normalize(job.OnAllTasksComplete, WireEnums.AllTasksComplete, "onAllTasksComplete"),
            OnTaskFailure = WireEnums.Normalize(job.OnTaskFailure, WireEnums.TaskFailure, "onTaskFailure"),
        };
    }

    private static void CheckPriorityAndConstraints(int? priority, JobConstraints? constraints, int? maxParallelTasks)
    {
        if (priority is < -1000 or > 1000) throw BatchRequestException.InvalidProperty("priority", priority.ToString(), "priority is -1000 to 1000.");
        if (constraints?.MaxTaskRetryCount is < -1)
            throw BatchRequestException.InvalidProperty("constraints.maxTaskRetryCount", constraints.MaxTaskRetryCount.ToString(), "Use -1 (unlimited) or more.");
        if (maxParallelTasks is 0 or < -1)
            throw BatchRequestException.InvalidProperty("maxParallelTasks", maxParallelTasks.ToString(), "maxParallelTasks is -1 (unlimited) or at least 1.");
    }

    private static Task List(HttpContext context)
    {
        var state = context.Runtime().State;
        var baseUrl = BaseUrl.Of(context);
        List<(string, JobResponse)> jobs;
        lock (state.Gate)
            jobs = state.Jobs.Values.OrderBy(j => j.Sequence).Select(j => (Paging.SequenceKey(j.Sequence), j.ToResponse(baseUrl))).ToList();
        return ListResponse.WriteAsync(context, "jobs", FilterableProperties.Jobs, jobs);
    }

    private static Task Get(HttpContext context)
    {
        var state = context.Runtime().State;
        JobResponse job;
        lock (state.Gate) job = EndpointHelpers.FindJob(state, context.RouteValue("jobId")).ToResponse(BaseUrl.Of(context));
        return EndpointHelpers.WriteVersionedAsync(context, "jobs", job, job.ETag, job.LastModified);
    }

    private static async Task PatchAsync(HttpContext context)
    {
        var patch = await JsonBodies.ReadAsync<JobUpdateRequest>(context).ConfigureAwait(false);
        CheckPriorityAndConstraints(patch.Priority, patch.Constraints, patch.MaxParallelTasks);
        Validation.Metadata(patch.Metadata, "metadata");
        var onAllTasksComplete = WireEnums.Normalize(patch.OnAllTasksComplete, WireEnums.AllTasksComplete, "onAllTasksComplete");
        if (patch.PoolInfo is { } poolInfo)
        {
            Validation.NotPresent(poolInfo.AutoPoolSpecification, "poolInfo.autoPoolSpecification", "The emulator has no auto pools.");
            Validation.Id(poolInfo.PoolId, "poolInfo.poolId");
        }
        var runtime = context.Runtime();
        var state = runtime.State;
        JobResponse updated;
        lock (state.Gate)
        {
            var job = EndpointHelpers.FindJobForWrite(context, state);
            EndpointHelpers.EnsureJobAcceptsChanges(job);
            if (onAllTasksComplete == "noaction" && job.OnAllTasksComplete == "terminatejob")
                throw BatchRequestException.InvalidProperty("onAllTasksComplete", onAllTasksComplete, "A job set to terminatejob cannot go back to noaction.");
            if (patch.Priority is { } priority) job.Priority = priority;
            if (patch.MaxParallelTasks is { } parallel) job.MaxParallelTasks = parallel;
            if (patch.AllowTaskPreemption is { } preemption) job.AllowTaskPreemption = preemption;
            if (patch.PoolInfo?.PoolId is { } poolId) job.PoolId = poolId;
            if (patch.Metadata is not null) job.Metadata = patch.Metadata;
            if (patch.Constraints is not null)
            {
                job.Constraints = patch.Constraints;
                runtime.Jobs.ArmWallClock(job);
            }
            if (onAllTasksComplete is not null) job.OnAllTasksComplete = onAllTasksComplete;
            job.Touch(state);
            runtime.Jobs.AfterTaskFinished(job); // terminatejob on a job whose tasks are all done ends it now
            updated = job.ToResponse(BaseUrl.Of(context));
        }
        runtime.Scheduler.Wake();
        ResourceHeaders.SetVersion(context, updated.ETag, updated.LastModified);
        ResourceHeaders.SetDataServiceId(context, updated.Url);
        await context.Empty(HttpStatusCode.OK).ConfigureAwait(false);
    }

    private static Task Delete(HttpContext context)
    {
        var runtime = context.Runtime();
        var state = runtime.State;
        string url;
        lock (state.Gate)
        {
            var job = EndpointHelpers.FindJobForWrite(context, state);
            runtime.Jobs.BeginDelete(job);
            url = job.ToResponse(BaseUrl.Of(context)).Url;
        }
        ResourceHeaders.SetDataServiceId(context, url);
        return context.Empty(HttpStatusCode.Accepted);
    }

    private static async Task TerminateAsync(HttpContext context)
    {
        var body = await JsonBodies.ReadOptionalAsync<JobTerminateRequest>(context).ConfigureAwait(false);
        var runtime = context.Runtime();
        var state = runtime.State;
        JobResponse job;
        lock (state.Gate)
        {
            var found = EndpointHelpers.FindJobForWrite(context, state);
            EndpointHelpers.EnsureJobAcceptsChanges(found);
            runtime.Jobs.Terminate(found, string.IsNullOrEmpty(body?.TerminateReason) ? "UserTerminate" : body.TerminateReason, requested: true);
            job = found.ToResponse(BaseUrl.Of(context));
        }
        ResourceHeaders.SetVersion(context, job.ETag, job.LastModified);
        ResourceHeaders.SetDataServiceId(context, job.Url);
        await context.Empty(HttpStatusCode.Accepted).ConfigureAwait(false);
    }

    /// <summary>From the job's running tally (State/TaskCountTally): the same cost at ten tasks as at a hundred thousand.</summary>
    private static Task TaskCounts(HttpContext context)
    {
        var state = context.Runtime().State;
        TaskCountsResponse counts;
        lock (state.Gate)
        {
            var tally = EndpointHelpers.FindJob(state, context.RouteValue("jobId")).Counts;
            counts = new TaskCountsResponse { TaskCounts = Count(tally.Tasks), TaskSlotCounts = Count(tally.Slots) };
        }
        return JsonBodies.WriteEntityAsync(context, "taskcounts", JsonBodies.ToNode(counts));
    }

    private static TaskCounts Count(Func<TaskCountBucket, int> of)
    {
        int succeeded = of(TaskCountBucket.Succeeded), failed = of(TaskCountBucket.Failed);
        return new TaskCounts
        {
            Active = of(TaskCountBucket.Active), Running = of(TaskCountBucket.Running),
            Completed = succeeded + failed, Succeeded = succeeded, Failed = failed,
        };
    }
}
