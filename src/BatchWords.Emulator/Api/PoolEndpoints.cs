using System.Net;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.Query;
using BatchWords.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.Api;

/// <summary>Pools (§2.1): create, list, get, exists (HEAD), delete, resize; and GET /nodecounts.</summary>
public static class PoolEndpoints
{
    private static readonly TimeSpan MinimumResizeTimeout = TimeSpan.FromMinutes(5);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/pools", context => context.Request.Method switch
        {
            "GET" => List(context),
            "POST" => CreateAsync(context),
            _ => EndpointHelpers.NotAllowed(context),
        });
        app.Map("/pools/{poolId}", context => context.Request.Method switch
        {
            "GET" or "HEAD" => Get(context),
            "DELETE" => Delete(context),
            _ => EndpointHelpers.NotAllowed(context),
        });
        app.Map("/pools/{poolId}/resize", context => context.IsMethod("POST") ? ResizeAsync(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/nodecounts", context => context.IsMethod("GET") ? NodeCounts(context) : EndpointHelpers.NotAllowed(context));
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var spec = Validate(await JsonBodies.ReadAsync<PoolCreateRequest>(context).ConfigureAwait(false));
        var runtime = context.Runtime();
        var state = runtime.State;
        PoolResponse created;
        lock (state.Gate)
        {
            if (state.Pools.TryGetValue(spec.Id!, out var existing))
                throw existing.IsDeleting ? BatchRequestException.PoolBeingDeleted() : BatchRequestException.Conflict("PoolExists", "The specified pool already exists.");
            var pool = new PoolState(spec, state.NextSequence(), state.NewETag(), EmulatorState.Now, Path.Combine(state.PoolsDirectory, spec.Id!));
            state.Pools[pool.Id] = pool;
            state.Changed(pool);
            runtime.Nodes.ApplyTargets(pool);
            runtime.AutoScale.Metrics.Forget(pool.Id); // a deleted pool of the same id left its samples
            if (spec.EnableAutoScale == true)
                runtime.AutoScale.Enable(pool, spec.AutoScaleFormula!, spec.AutoScaleEvaluationInterval ?? AutoScale.AutoScaleEndpoints.DefaultInterval);
            created = pool.ToResponse(BaseUrl.Of(context));
        }
        runtime.Scheduler.Wake(); // jobs created before their pool start now
        ResourceHeaders.SetVersion(context, created.ETag, created.LastModified);
        ResourceHeaders.SetDataServiceId(context, created.Url);
        await context.Empty(HttpStatusCode.Created).ConfigureAwait(false);
    }

    private static PoolCreateRequest Validate(PoolCreateRequest pool)
    {
        Validation.Id(pool.Id);
        if (string.IsNullOrEmpty(pool.VmSize)) throw BatchRequestException.MissingProperty("vmSize");
        Validation.NotPresent(pool.CloudServiceConfiguration, "cloudServiceConfiguration", "Only virtualMachineConfiguration pools exist in this API version.");
        var vm = Validation.Required(pool.VirtualMachineConfiguration, "virtualMachineConfiguration");
        var image = Validation.Required(vm.ImageReference, "virtualMachineConfiguration.imageReference");
        if (string.IsNullOrEmpty(vm.NodeAgentSkuId)) throw BatchRequestException.MissingProperty("virtualMachineConfiguration.nodeAgentSKUId");
        if (string.IsNullOrEmpty(image.VirtualMachineImageId) && (string.IsNullOrEmpty(image.Publisher) || string.IsNullOrEmpty(image.Offer) || string.IsNullOrEmpty(image.Sku)))
            throw BatchRequestException.InvalidProperty("virtualMachineConfiguration.imageReference", null, "Give publisher, offer and sku, or virtualMachineImageId.");
        if (pool.EnableAutoScale == true)
        {
            // As documented: with autoscale the formula is required and the targets are left out.
            if (string.IsNullOrEmpty(pool.AutoScaleFormula)) throw BatchRequestException.MissingProperty("autoScaleFormula");
            if (pool.TargetDedicatedNodes is not null || pool.TargetLowPriorityNodes is not null)
                throw BatchRequestException.InvalidProperty(pool.TargetDedicatedNodes is not null ? "targetDedicatedNodes" : "targetLowPriorityNodes",
                    (pool.TargetDedicatedNodes ?? pool.TargetLowPriorityNodes).ToString(), "Leave the targets out when enableAutoScale is true: the formula sets them.");
            AutoScale.AutoScaleEndpoints.Validate(pool.AutoScaleFormula, pool.AutoScaleEvaluationInterval);
        }
        else if (pool.TargetDedicatedNodes is null && pool.TargetLowPriorityNodes is null) throw BatchRequestException.MissingProperty("targetDedicatedNodes");
        CheckTargets(pool.TargetDedicatedNodes, pool.TargetLowPriorityNodes);
        CheckResizeTimeout(pool.ResizeTimeout);
        if (pool.TaskSlotsPerNode is < 1 or > 256)
            throw BatchRequestException.InvalidProperty("taskSlotsPerNode", pool.TaskSlotsPerNode.ToString(), "taskSlotsPerNode is 1 to 256.");
        Validation.Metadata(pool.Metadata, "metadata");
        var fillType = WireEnums.Normalize(pool.TaskSchedulingPolicy?.NodeFillType, WireEnums.NodeFillTypes, "taskSchedulingPolicy.nodeFillType");
        return pool with
        {
            VirtualMachineConfiguration = vm with { ImageReference = image with { Version = image.Version ?? (image.VirtualMachineImageId is null ? "latest" : null) } },
            TaskSchedulingPolicy = new TaskSchedulingPolicy { NodeFillType = fillType ?? "spread" },
            StartTask = Validation.StartTask(pool.StartTask),
        };
    }

    private static void CheckTargets(int? dedicated, int? lowPriority)
    {
        if (dedicated is < 0 or > 1000) throw BatchRequestException.InvalidProperty("targetDedicatedNodes", dedicated.ToString(), "Use 0 to 1000.");
        if (lowPriority is < 0 or > 1000) throw BatchRequestException.InvalidProperty("targetLowPriorityNodes", lowPriority.ToString(), "Use 0 to 1000.");
    }

    private static void CheckResizeTimeout(TimeSpan? timeout)
    {
        if (timeout is { } value && value < MinimumResizeTimeout)
            throw BatchRequestException.InvalidProperty("resizeTimeout", System.Xml.XmlConvert.ToString(value), "resizeTimeout is at least 5 minutes.");
    }

    private static Task List(HttpContext context)
    {
        var state = context.Runtime().State;
        var baseUrl = BaseUrl.Of(context);
        List<(string, PoolResponse)> pools;
        lock (state.Gate)
            pools = state.Pools.Values.OrderBy(p => p.Sequence).Select(p => (Paging.SequenceKey(p.Sequence), p.ToResponse(baseUrl))).ToList();
        return ListResponse.WriteAsync(context, "pools", FilterableProperties.Pools, pools);
    }

    private static Task Get(HttpContext context)
    {
        var state = context.Runtime().State;
        PoolResponse pool;
        lock (state.Gate) pool = EndpointHelpers.FindPool(state, context.RouteValue("poolId")).ToResponse(BaseUrl.Of(context));
        // HEAD is "pool exists": 200 with no body (a deleting pool still exists); JsonBodies writes no body for HEAD.
        return EndpointHelpers.WriteVersionedAsync(context, "pools", pool, pool.ETag, pool.LastModified);
    }

    private static Task Delete(HttpContext context)
    {
        var runtime = context.Runtime();
        var state = runtime.State;
        string url;
        lock (state.Gate)
        {
            var pool = EndpointHelpers.FindPoolForWrite(context, state);
            pool.AutoScale?.Stop.Cancel();
            runtime.Nodes.BeginDeletePool(pool);
            url = pool.ToResponse(BaseUrl.Of(context)).Url;
        }
        runtime.Scheduler.Wake();
        ResourceHeaders.SetDataServiceId(context, url);
        return context.Empty(HttpStatusCode.Accepted);
    }

    private static async Task ResizeAsync(HttpContext context)
    {
        var body = await JsonBodies.ReadAsync<PoolResizeRequest>(context).ConfigureAwait(false);
        CheckTargets(body.TargetDedicatedNodes, body.TargetLowPriorityNodes);
        CheckResizeTimeout(body.ResizeTimeout);
        var option = WireEnums.Normalize(body.NodeDeallocationOption, WireEnums.DeallocationOptions, "nodeDeallocationOption") ?? "requeue";
        var runtime = context.Runtime();
        var state = runtime.State;
        string url;
        lock (state.Gate)
        {
            var pool = EndpointHelpers.FindPoolForWrite(context, state);
            if (pool.AutoScale is not null)
                throw BatchRequestException.Conflict("OperationInvalidForCurrentState", "The specified pool has auto scaling enabled; disable it (disableautoscale) before resizing it by hand.");
            if (pool.AllocationState != "steady")
                throw BatchRequestException.Conflict("PoolBeingResized", "The specified pool is currently being resized; wait until its allocationState is steady.");
            pool.TargetDedicatedNodes = body.TargetDedicatedNodes ?? pool.TargetDedicatedNodes;
            pool.TargetLowPriorityNodes = body.TargetLowPriorityNodes ?? pool.TargetLowPriorityNodes;
            pool.ResizeTimeout = body.ResizeTimeout ?? pool.ResizeTimeout;
            pool.SetAllocationState("resizing", state);
            runtime.Nodes.ApplyTargets(pool, option);
            url = pool.ToResponse(BaseUrl.Of(context)).Url;
        }
        runtime.Scheduler.Wake();
        ResourceHeaders.SetDataServiceId(context, url);
        await context.Empty(HttpStatusCode.Accepted).ConfigureAwait(false);
    }

    private static Task NodeCounts(HttpContext context)
    {
        var state = context.Runtime().State;
        List<(string, PoolNodeCounts)> counts;
        lock (state.Gate)
            counts = state.Pools.Values.OrderBy(p => p.Sequence).Select(p => (Paging.SequenceKey(p.Sequence), new PoolNodeCounts
            {
                PoolId = p.Id,
                Dedicated = Count(p.Nodes.Where(n => n.IsDedicated)),
                LowPriority = Count(p.Nodes.Where(n => !n.IsDedicated)),
            })).ToList();
        return ListResponse.WriteAsync(context, "poolnodecounts", FilterableProperties.NodeCounts, counts);
    }

    private static NodeCounts Count(IEnumerable<NodeState> nodes)
    {
        var byState = nodes.GroupBy(n => n.State).ToDictionary(g => g.Key, g => g.Count());
        int Of(string s) => byState.GetValueOrDefault(s);
        return new NodeCounts
        {
            Creating = Of("creating"), Idle = Of("idle"), Offline = Of("offline"), Preempted = Of("preempted"), Running = Of("running"), Starting = Of("starting"),
            StartTaskFailed = Of("starttaskfailed"), LeavingPool = Of("leavingpool"), Unusable = Of("unusable"),
            WaitingForStartTask = Of("waitingforstarttask"), Total = byState.Values.Sum(),
        };
    }
}
