using System.Net;
using BatchWords.Emulator.Api;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchWords.Emulator.AutoScale;

/// <summary>POST /pools/{id}/enableautoscale, /disableautoscale and /evaluateautoscale (batch-rest-api.md §2.1).</summary>
public static class AutoScaleEndpoints
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaximumInterval = TimeSpan.FromHours(168);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/pools/{poolId}/enableautoscale", context => context.IsMethod("POST") ? EnableAsync(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/pools/{poolId}/disableautoscale", context => context.IsMethod("POST") ? Disable(context) : EndpointHelpers.NotAllowed(context));
        app.Map("/pools/{poolId}/evaluateautoscale", context => context.IsMethod("POST") ? EvaluateAsync(context) : EndpointHelpers.NotAllowed(context));
    }

    /// <summary>400 for an interval out of range or a formula that does not parse (shared with pool creation).</summary>
    public static void Validate(string? formula, TimeSpan? interval)
    {
        if (interval is { } value && (value < MinimumInterval || value > MaximumInterval))
            throw BatchRequestException.InvalidProperty("autoScaleEvaluationInterval", System.Xml.XmlConvert.ToString(value), "Use 5 minutes to 168 hours.");
        if (formula is not null && AutoScaleService.SyntaxError(formula) is { } error)
            throw BatchRequestException.InvalidProperty("autoScaleFormula", formula, error);
    }

    private static async Task EnableAsync(HttpContext context)
    {
        var body = await JsonBodies.ReadOptionalAsync<EnableAutoScaleRequest>(context).ConfigureAwait(false) ?? new EnableAutoScaleRequest();
        Validate(body.AutoScaleFormula, body.AutoScaleEvaluationInterval);
        var runtime = context.Runtime();
        string url;
        lock (runtime.State.Gate)
        {
            var pool = EndpointHelpers.FindPoolForWrite(context, runtime.State);
            // Enabled already: either setting may be left out and keeps its value; otherwise the formula is required.
            var formula = body.AutoScaleFormula ?? pool.AutoScale?.Formula ?? throw BatchRequestException.MissingProperty("autoScaleFormula");
            var interval = body.AutoScaleEvaluationInterval ?? pool.AutoScale?.EvaluationInterval ?? DefaultInterval;
            runtime.AutoScale.Enable(pool, formula, interval);
            url = $"{BaseUrl.Of(context)}/pools/{pool.Id}";
        }
        runtime.Scheduler.Wake();
        ResourceHeaders.SetDataServiceId(context, url);
        await context.Empty(HttpStatusCode.OK).ConfigureAwait(false);
    }

    private static Task Disable(HttpContext context)
    {
        var runtime = context.Runtime();
        string url;
        lock (runtime.State.Gate)
        {
            var pool = EndpointHelpers.FindPoolForWrite(context, runtime.State);
            runtime.AutoScale.Disable(pool);
            url = $"{BaseUrl.Of(context)}/pools/{pool.Id}";
        }
        ResourceHeaders.SetDataServiceId(context, url);
        return context.Empty(HttpStatusCode.OK);
    }

    private static async Task EvaluateAsync(HttpContext context)
    {
        var body = await JsonBodies.ReadAsync<EvaluateAutoScaleRequest>(context).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.AutoScaleFormula)) throw BatchRequestException.MissingProperty("autoScaleFormula");
        var runtime = context.Runtime();
        AutoScaleRun run;
        lock (runtime.State.Gate)
        {
            var pool = EndpointHelpers.FindPool(runtime.State, context.RouteValue("poolId"));
            // As documented: "The Pool must have auto scaling enabled in order to evaluate a formula."
            if (pool.AutoScale is null)
                throw BatchRequestException.Conflict("OperationInvalidForCurrentState",
                    "Auto scaling is not enabled on the specified pool; enable it (enableautoscale) before evaluating a formula.");
            run = runtime.AutoScale.Evaluate(pool, body.AutoScaleFormula);
        }
        await JsonBodies.WriteEntityAsync(context, "pools", JsonBodies.ToNode(run)).ConfigureAwait(false);
    }
}
