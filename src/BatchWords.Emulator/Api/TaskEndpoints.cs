using System.Globalization;
using System.Net;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.Query;
using BatchWords.Emulator.Runtime;
using BatchWords.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.Api;

/// <summary>Tasks (§2.3): add, add collection, list, get, delete, terminate, reactivate.</summary>
public static class TaskEndpoints
{
    public const int MaxTasksPerCollection = 100;
    public const int MaxCollectionBodyBytes = 1024 * 1024;
    private static readonly TimeSpan TerminateWait = TimeSpan.FromSeconds(10);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/jobs/{jobId}/tasks", context => context.Request.Method switch
        {
            "GET" => List(context),
            "POST" => AddAsync(context),
            _ => EndpointHelpers.NotAllowed(context),
        });
        app.Map("/jobs/{jobId}/addtaskcollection", context => context.IsMethod("POST") ? AddCollectionAsync(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/jobs/{jobId}/tasks/{taskId}", context => context.Request.Method switch
        {
            "GET" => Get(context),
            "DELETE" => Delete(context),
            _ => EndpointHelpers.NotAllowed(context),
        });
        app.Map("/jobs/{jobId}/tasks/{taskId}/terminate", context => context.IsMethod("POST") ? TerminateAsync(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/jobs/{jobId}/tasks/{taskId}/reactivate", context => context.IsMethod("POST") ? Reactivate(context) : EndpointHelpers.NotAllowed(context));
    }

    private static async Task AddAsync(HttpContext context)
    {
        var spec = Validate(await JsonBodies.ReadAsync<TaskCreateRequest>(context).ConfigureAwait(false));
        var runtime = context.Runtime();
        var state = runtime.State;
        TaskResponse added;
        lock (state.Gate)
        {
            var job = EndpointHelpers.FindJob(state, context.RouteValue("jobId"));
            EndpointHelpers.EnsureJobAcceptsChanges(job);
            if (job.Tasks.ContainsKey(spec.Id!)) throw BatchRequestException.Conflict("TaskExists", "The specified task already exists.");
            CheckSlots(state, job, spec);
            added = View(state, Add(state, job, spec), BaseUrl.Of(context));
        }
        runtime.Scheduler.Wake();
        ResourceHeaders.SetVersion(context, added.ETag, added.LastModified);
        ResourceHeaders.SetDataServiceId(context, added.Url);
        await context.Empty(HttpStatusCode.Created).ConfigureAwait(false);
    }

    /// <summary>
    /// At most 100 tasks and a body under 1 MiB, else 413 RequestBodyTooLarge for the whole call (clients halve the
    /// chunk). Each task gets its own result: success, or clienterror with the reason (TaskExists included).
    /// </summary>
    private static async Task AddCollectionAsync(HttpContext context)
    {
        var bytes = await JsonBodies.ReadBytesAsync(context, MaxCollectionBodyBytes).ConfigureAwait(false);
        var collection = JsonBodies.Parse<TaskCollectionRequest>(bytes);
        var items = Validation.Required(collection.Value, "value");
        if (items.Count > MaxTasksPerCollection)
            throw BatchRequestException.BodyTooLarge(MaxCollectionBodyBytes, $"A collection holds at most {MaxTasksPerCollection} tasks; this one has {items.Count}.");

        var runtime = context.Runtime();
        var state = runtime.State;
        var baseUrl = BaseUrl.Of(context);
        var results = new List<TaskAddResult>();
        lock (state.Gate)
        {
            var job = EndpointHelpers.FindJob(state, context.RouteValue("jobId"));
            EndpointHelpers.EnsureJobAcceptsChanges(job);
            foreach (var item in items)
            {
                var id = item?.Id ?? "";
                try
                {
                    var spec = Validate(item ?? throw BatchRequestException.InvalidBody("A task in the collection is null."));
                    if (job.Tasks.ContainsKey(spec.Id!)) throw BatchRequestException.Conflict("TaskExists", "The specified task already exists.");
                    CheckSlots(state, job, spec);
                    var task = Add(state, job, spec);
                    results.Add(new TaskAddResult
                    {
                        Status = "success", TaskId = task.Id, ETag = task.ETag, LastModified = task.LastModified, Location = task.Url(baseUrl),
                    });
                }
                catch (BatchRequestException e)
                {
                    results.Add(new TaskAddResult { Status = "clienterror", TaskId = id, Error = ToAddError(context, e) });
                }
            }
        }
        runtime.Scheduler.Wake();
        await JsonBodies.WriteEntityAsync(context, "taskaddresult", JsonBodies.ToNode(new TaskCollectionResponse { Value = results })).ConfigureAwait(false);
    }

    private static TaskAddError ToAddError(HttpContext context, BatchRequestException e) => new()
    {
        Code = e.Code,
        Message = new TaskAddErrorMessage
        {
            Value = $"{e.Message}\nRequestId:{RequestIdHeaders.RequestIdOf(context)}\nTime:{WireJson.FormatTime(EmulatorState.Now)}",
        },
        Values = e.Values.Count == 0 ? null : e.Values.Select(v => new TaskAddErrorDetail { Key = v.Key, Value = v.Value }).ToList(),
    };

    private static TaskState Add(EmulatorState state, JobState job, TaskCreateRequest spec)
    {
        var task = new TaskState(job, spec, state.NextSequence(), state.NewETag(), EmulatorState.Now);
        job.AddTask(task);
        state.Changed(task);
        job.Pending.Add(task);
        return task;
    }

    /// <summary>A task can never run if it needs more slots than a node of its (existing) pool has.</summary>
    private static void CheckSlots(EmulatorState state, JobState job, TaskCreateRequest spec)
    {
        if (spec.RequiredSlots is { } slots && state.Pools.TryGetValue(job.PoolId, out var pool) && slots > pool.TaskSlotsPerNode)
            throw BatchRequestException.InvalidProperty("requiredSlots", slots.ToString(CultureInfo.InvariantCulture),
                $"The pool's nodes have {pool.TaskSlotsPerNode} task slot(s) each.");
    }

    private static TaskCreateRequest Validate(TaskCreateRequest task)
    {
        Validation.Id(task.Id);
        if (string.IsNullOrWhiteSpace(task.CommandLine)) throw BatchRequestException.MissingProperty("commandLine");
        Validation.ResourceFiles(task.ResourceFiles, "resourceFiles");
        Validation.Environment(task.EnvironmentSettings, "environmentSettings");
        if (task.RequiredSlots is < 1) throw BatchRequestException.InvalidProperty("requiredSlots", task.RequiredSlots.ToString(), "requiredSlots is at least 1.");
        if (task.Constraints?.MaxTaskRetryCount is < -1)
            throw BatchRequestException.InvalidProperty("constraints.maxTaskRetryCount", task.Constraints.MaxTaskRetryCount.ToString(), "Use -1 (unlimited) or more.");
        Validation.NotPresent(task.MultiInstanceSettings, "multiInstanceSettings", "The emulator runs no multi-instance tasks.");
        Validation.NotPresent(task.DependsOn, "dependsOn", "The emulator does not support task dependencies.");
        Validation.NotPresent(task.ApplicationPackageReferences, "applicationPackageReferences", "The emulator has no application packages.");
        Validation.NotPresent(task.ContainerSettings, "containerSettings", "The emulator runs no containers.");
        return task with
        {
            OutputFiles = Validation.OutputFiles(task.OutputFiles),
            UserIdentity = Validation.Identity(task.UserIdentity, "userIdentity"),
        };
    }

    /// <summary>
    /// One page costs O(page), whatever the job's size: the continuation token leads by binary search into the
    /// creation order, $filter is tested on each task's state directly (TaskFilterSubject: no view built for a task
    /// that does not match), and only the tasks of the page become views. That much runs under the lock; their
    /// JSON, $select and the answer are written outside it.
    /// </summary>
    private static Task List(HttpContext context)
    {
        var state = context.Runtime().State;
        var baseUrl = BaseUrl.Of(context);
        var filter = ListResponse.Filter(context, FilterableProperties.Tasks);
        var size = Paging.PageSize(context);
        var after = Paging.After(context);
        var page = new List<TaskResponse>();
        string? continueAfter = null;
        lock (state.Gate)
        {
            var order = EndpointHelpers.FindJob(state, context.RouteValue("jobId")).TaskOrder;
            var subject = new TaskFilterSubject();
            TaskState? last = null;
            for (var i = after is null ? 0 : FirstAfter(order, after); i < order.Count; i++)
            {
                var task = order[i];
                if (filter is not null)
                {
                    subject.Task = task;
                    if (!filter.Matches(subject)) continue;
                }
                if (page.Count == size)
                {
                    continueAfter = Paging.SequenceKey(last!.Sequence);
                    break;
                }
                page.Add(View(state, task, baseUrl));
                last = task;
            }
        }
        return ListResponse.WritePageAsync(context, "tasks", page, continueAfter);
    }

    /// <summary>A task's wire view; every one built is counted (EmulatorState.TaskViewsBuilt), so tests can see what a request cost.</summary>
    private static TaskResponse View(EmulatorState state, TaskState task, string baseUrl)
    {
        state.CountTaskView();
        return task.ToResponse(baseUrl);
    }

    private static int FirstAfter(List<TaskState> order, string afterKey)
    {
        int low = 0, high = order.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (string.CompareOrdinal(Paging.SequenceKey(order[mid].Sequence), afterKey) <= 0) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    private static Task Get(HttpContext context)
    {
        var state = context.Runtime().State;
        TaskResponse task;
        lock (state.Gate)
        {
            var job = EndpointHelpers.FindJob(state, context.RouteValue("jobId"));
            task = View(state, EndpointHelpers.FindTask(job, context.RouteValue("taskId")), BaseUrl.Of(context));
        }
        return EndpointHelpers.WriteVersionedAsync(context, "tasks", task, task.ETag, task.LastModified);
    }

    /// <summary>Under the lock: the route's task for a write (its job not being deleted), after the task's conditional headers.</summary>
    private static TaskState FindTaskForWrite(HttpContext context, EmulatorState state)
    {
        var job = EndpointHelpers.FindJob(state, context.RouteValue("jobId"));
        if (job.State == "deleting") throw BatchRequestException.JobBeingDeleted();
        var task = EndpointHelpers.FindTask(job, context.RouteValue("taskId"));
        ResourceHeaders.CheckConditions(context, task.ETag, task.LastModified, isRead: false);
        return task;
    }

    private static Task Delete(HttpContext context)
    {
        var runtime = context.Runtime();
        var state = runtime.State;
        lock (state.Gate)
        {
            var task = FindTaskForWrite(context, state);
            runtime.Jobs.DeleteTask(task);
        }
        runtime.Scheduler.Wake();
        return context.Empty(HttpStatusCode.OK);
    }

    /// <summary>204 once the task is completed: a running one is killed (its whole process group) first.</summary>
    private static async Task TerminateAsync(HttpContext context)
    {
        var runtime = context.Runtime();
        var state = runtime.State;
        ProcessRun? run;
        string url;
        lock (state.Gate)
        {
            var task = FindTaskForWrite(context, state);
            if (task.State == "completed") throw BatchRequestException.Conflict("TaskCompleted", "The specified task is already completed.");
            run = task.Run;
            if (run is null) runtime.Tasks.CompleteUnstarted(task);
            else run.Stop(StopReason.Terminated);
            url = task.Url(BaseUrl.Of(context));
        }
        if (run is not null) await run.WaitFinishedAsync(TerminateWait).ConfigureAwait(false);
        ResourceHeaders.SetDataServiceId(context, url);
        await context.Empty(HttpStatusCode.NoContent).ConfigureAwait(false);
    }

    /// <summary>A failed task goes back to active with its retry count reset (the job must still be active).</summary>
    private static Task Reactivate(HttpContext context)
    {
        var runtime = context.Runtime();
        var state = runtime.State;
        string url;
        lock (state.Gate)
        {
            var job = EndpointHelpers.FindJob(state, context.RouteValue("jobId"));
            EndpointHelpers.EnsureJobAcceptsChanges(job);
            var task = EndpointHelpers.FindTask(job, context.RouteValue("taskId"));
            if (task.State != "completed") throw BatchRequestException.Conflict("TaskNotCompleted", "The specified task is not completed.");
            if (task.Result == "success") throw BatchRequestException.Conflict("TaskSucceeded", "The specified task completed successfully and cannot be reactivated.");
            task.RetryCount = 0;
            task.LastRetryTime = null;
            task.StartTime = task.EndTime = null;
            task.ExitCode = null;
            task.Result = null;
            task.Failure = null;
            task.SetState("active", state);
            job.Pending.Add(task);
            url = task.Url(BaseUrl.Of(context));
        }
        runtime.Scheduler.Wake();
        ResourceHeaders.SetDataServiceId(context, url);
        return context.Empty(HttpStatusCode.NoContent);
    }
}
