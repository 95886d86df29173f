using System.Text.Json.Nodes;
using BatchWords.Emulator.Api;
using BatchWords.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.Preemption;

/// <summary>
/// Emulator-only test hooks, NOT part of the Batch API (the "/emulator/" prefix says so; Azure has no such call):
/// POST /emulator/pools/{poolId}/nodes/{nodeId}/preempt preempts that Spot node; POST /emulator/pools/{poolId}/preempt
/// with an optional body {"count": n} preempts up to n Spot nodes (default 1), busiest first. Both answer 200 with
/// {"preempted": [node ids]}. Signed like every other request.
/// </summary>
public static class PreemptionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/emulator/pools/{poolId}/nodes/{nodeId}/preempt", context => context.IsMethod("POST") ? PreemptNode(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/emulator/pools/{poolId}/preempt", context => context.IsMethod("POST") ? PreemptAsync(context) : EndpointHelpers.NotAllowed(context));
    }

    private sealed record PreemptRequest
    {
        public int? Count { get; init; }
    }

    private static Task PreemptNode(HttpContext context)
    {
        var runtime = context.Runtime();
        string id;
        lock (runtime.State.Gate)
        {
            var pool = EndpointHelpers.FindPoolForWrite(context, runtime.State);
            var node = EndpointHelpers.FindNode(pool, context.RouteValue("nodeId"));
            runtime.Preemption.Preempt(node);
            id = node.Id;
        }
        runtime.Scheduler.Wake();
        return Answer(context, new[] { id });
    }

    private static async Task PreemptAsync(HttpContext context)
    {
        var body = await JsonBodies.ReadOptionalAsync<PreemptRequest>(context).ConfigureAwait(false);
        var count = body?.Count ?? 1;
        if (count is < 1 or > 1000) throw BatchRequestException.InvalidProperty("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "Use 1 to 1000.");
        var runtime = context.Runtime();
        List<string> ids;
        lock (runtime.State.Gate)
        {
            var pool = EndpointHelpers.FindPoolForWrite(context, runtime.State);
            ids = runtime.Preemption.PreemptBusiest(pool, count).Select(n => n.Id).ToList();
        }
        runtime.Scheduler.Wake();
        await Answer(context, ids).ConfigureAwait(false);
    }

    private static Task Answer(HttpContext context, IEnumerable<string> ids)
    {
        var array = new JsonArray();
        foreach (var id in ids) array.Add(id);
        return JsonBodies.WriteEntityAsync(context, "emulator.preemption", new JsonObject { ["preempted"] = array });
    }
}
