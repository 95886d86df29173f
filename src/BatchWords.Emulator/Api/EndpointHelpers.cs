using System.Net;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Runtime;
using BatchWords.Emulator.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BatchWords.Emulator.Api;

/// <summary>Small things every endpoint does: find the runtime, read route values, answer with a status.</summary>
public static class EndpointHelpers
{
    public static EmulatorRuntime Runtime(this HttpContext context) => context.RequestServices.GetRequiredService<EmulatorRuntime>();

    public static string RouteValue(this HttpContext context, string name) => (string)context.GetRouteValue(name)!;

    /// <summary>An answer with no body (201, 202, 204, or 200 for delete-task).</summary>
    public static Task Empty(this HttpContext context, HttpStatusCode status)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static Task NotAllowed(HttpContext context) =>
        throw new BatchRequestException(HttpStatusCode.MethodNotAllowed, "UnsupportedHttpVerb",
            $"The resource doesn't support the specified HTTP verb {context.Request.Method}.");

    public static bool IsMethod(this HttpContext context, string method) =>
        string.Equals(context.Request.Method, method, StringComparison.OrdinalIgnoreCase);

    public static PoolState FindPool(EmulatorState state, string poolId) =>
        state.Pools.TryGetValue(poolId, out var pool) ? pool : throw BatchRequestException.NotFound("PoolNotFound", "The specified pool does not exist.");

    public static JobState FindJob(EmulatorState state, string jobId) =>
        state.Jobs.TryGetValue(jobId, out var job) ? job : throw BatchRequestException.NotFound("JobNotFound", "The specified job does not exist.");

    public static TaskState FindTask(JobState job, string taskId) =>
        job.Tasks.TryGetValue(taskId, out var task) ? task : throw BatchRequestException.NotFound("TaskNotFound", "The specified task does not exist.");

    public static NodeState FindNode(PoolState pool, string nodeId) =>
        pool.Nodes.FirstOrDefault(n => string.Equals(n.Id, nodeId, StringComparison.OrdinalIgnoreCase))
        ?? throw BatchRequestException.NotFound("NodeNotFound", "The specified node does not exist.");

    /// <summary>Under the lock: the route's pool for a write, after its conditional headers; a deleting pool takes no writes.</summary>
    public static PoolState FindPoolForWrite(HttpContext context, EmulatorState state)
    {
        var pool = FindPool(state, context.RouteValue("poolId"));
        ResourceHeaders.CheckConditions(context, pool.ETag, pool.LastModified, isRead: false);
        if (pool.IsDeleting) throw BatchRequestException.PoolBeingDeleted();
        return pool;
    }

    /// <summary>Under the lock: the route's job for a write, after its conditional headers; a deleting job takes no writes.</summary>
    public static JobState FindJobForWrite(HttpContext context, EmulatorState state)
    {
        var job = FindJob(state, context.RouteValue("jobId"));
        ResourceHeaders.CheckConditions(context, job.ETag, job.LastModified, isRead: false);
        if (job.State == "deleting") throw BatchRequestException.JobBeingDeleted();
        return job;
    }

    /// <summary>A GET of a versioned entity: conditions (304), ETag and Last-Modified, then the body with $select.</summary>
    public static Task WriteVersionedAsync<T>(HttpContext context, string entitySet, T entity, string eTag, DateTimeOffset lastModified)
    {
        ResourceHeaders.CheckConditions(context, eTag, lastModified, isRead: true);
        ResourceHeaders.SetVersion(context, eTag, lastModified);
        return ListResponse.WriteEntityAsync(context, entitySet, entity);
    }

    /// <summary>Writes to a job are refused once it is ending or gone, with the code the service uses for each state.</summary>
    public static void EnsureJobAcceptsChanges(JobState job)
    {
        switch (job.State)
        {
            case "deleting": throw BatchRequestException.JobBeingDeleted();
            case "terminating": throw BatchRequestException.Conflict("JobBeingTerminated", "The specified job is being terminated.");
            case "completed": throw BatchRequestException.Conflict("JobCompleted", "The specified job is already in a completed state.");
        }
    }
}
