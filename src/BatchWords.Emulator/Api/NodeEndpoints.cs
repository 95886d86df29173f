using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.Api;

/// <summary>Compute nodes (§2.4): list and get, with node state and startTaskInfo (which $select can ask for).</summary>
public static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/pools/{poolId}/nodes", context => context.IsMethod("GET") ? List(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/pools/{poolId}/nodes/{nodeId}", context => context.IsMethod("GET") ? Get(context) : EndpointHelpers.NotAllowed(context));
    }

    private static Task List(HttpContext context)
    {
        var state = context.Runtime().State;
        var baseUrl = BaseUrl.Of(context);
        List<(string, NodeResponse)> nodes;
        lock (state.Gate)
            nodes = EndpointHelpers.FindPool(state, context.RouteValue("poolId")).Nodes
                .OrderBy(n => n.Index).Select(n => (Paging.SequenceKey(n.Index), n.ToResponse(baseUrl))).ToList();
        return ListResponse.WriteAsync(context, "nodes", FilterableProperties.Nodes, nodes);
    }

    private static Task Get(HttpContext context)
    {
        var state = context.Runtime().State;
        NodeResponse node;
        lock (state.Gate)
            node = EndpointHelpers.FindNode(EndpointHelpers.FindPool(state, context.RouteValue("poolId")), context.RouteValue("nodeId"))
                .ToResponse(BaseUrl.Of(context));
        return ListResponse.WriteEntityAsync(context, "nodes", node);
    }
}
