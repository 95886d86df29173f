using System.Text.Json.Nodes;
using BatchWords.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// The capacity calls as they go on the wire, checked against the bodies batch-rest-api.md §5.2 documents: resize,
/// enableautoscale, disableautoscale, evaluateautoscale and a pool add with Spot (targetLowPriorityNodes) or autoscale.
/// </summary>
public class PoolScalingRequestTests
{
    private static void AssertJson(string documented, string sent) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(documented), JsonNode.Parse(sent)), $"sent {sent}, documented {documented}");

    [Fact]
    public async Task ResizeSendsTheDocumentedBody()
    {
        var transport = ScriptedTransport.Queue(new ScriptedResponse(202));
        var scaling = new PoolScaling(TestBatchClients.Create(transport));

        await scaling.ResizeAsync(new PoolResizeRequest
        {
            Id = "p", DedicatedNodeCount = 4, SpotNodeCount = 0, ResizeTimeout = TimeSpan.FromMinutes(10), NodeDeallocationOption = "taskcompletion",
        });

        var request = Assert.Single(transport.Requests);
        Assert.Equal(("POST", "/pools/p/resize"), (request.Method, request.Uri.AbsolutePath));
        AssertJson("""{"targetDedicatedNodes": 4, "targetLowPriorityNodes": 0, "resizeTimeout": "PT10M", "nodeDeallocationOption": "taskcompletion"}""", request.BodyText);
    }

    [Fact]
    public async Task ResizeLeavesOutWhatWasNotGiven()
    {
        // Only Spot: the dedicated target, timeout and deallocation option stay the service's (no null, no default sent).
        var transport = ScriptedTransport.Queue(new ScriptedResponse(202));
        await new PoolScaling(TestBatchClients.Create(transport)).ResizeAsync(new PoolResizeRequest { Id = "p", SpotNodeCount = 3 });

        AssertJson("""{"targetLowPriorityNodes": 3}""", Assert.Single(transport.Requests).BodyText);
    }

    [Theory]
    [InlineData(null, null, "NoTargetGiven")]
    [InlineData(1001, null, "InvalidNodeCount")]
    [InlineData(null, -1, "InvalidNodeCount")]
    public async Task ResizeRefusesBadTargetsBeforeSendingAnything(int? dedicated, int? spot, string errorId)
    {
        var transport = ScriptedTransport.Queue();
        var error = await Assert.ThrowsAsync<BwException>(() => new PoolScaling(TestBatchClients.Create(transport))
            .ResizeAsync(new PoolResizeRequest { Id = "p", DedicatedNodeCount = dedicated, SpotNodeCount = spot }));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task EnableAndDisableAutoScaleSendTheDocumentedCalls()
    {
        var transport = ScriptedTransport.Queue(new ScriptedResponse(200), new ScriptedResponse(200));
        var scaling = new PoolScaling(TestBatchClients.Create(transport));

        await scaling.EnableAutoScaleAsync("p", "$TargetDedicatedNodes = 2;", TimeSpan.FromMinutes(5));
        await scaling.DisableAutoScaleAsync("p");

        var requests = transport.Requests;
        Assert.Equal(("POST", "/pools/p/enableautoscale"), (requests[0].Method, requests[0].Uri.AbsolutePath));
        AssertJson("""{"autoScaleFormula": "$TargetDedicatedNodes = 2;", "autoScaleEvaluationInterval": "PT5M"}""", requests[0].BodyText);
        Assert.Equal(("POST", "/pools/p/disableautoscale"), (requests[1].Method, requests[1].Uri.AbsolutePath));
        Assert.Empty(requests[1].Body);
    }

    [Fact]
    public async Task EnableAutoScaleRefusesAnIntervalOutsideFiveMinutesTo168Hours()
    {
        var transport = ScriptedTransport.Queue();
        var error = await Assert.ThrowsAsync<BwException>(() => new PoolScaling(TestBatchClients.Create(transport))
            .EnableAutoScaleAsync("p", "$TargetDedicatedNodes = 1;", TimeSpan.FromMinutes(1)));
        Assert.Equal("InvalidAutoScaleEvaluationInterval", error.ErrorId);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task EvaluateSendsTheFormulaAndReadsTheAutoScaleRun()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200,
            """{"odata.metadata":"x","timestamp":"2026-12-05T01:00:00Z","results":"$TargetDedicatedNodes=0;$TargetLowPriorityNodes=3;$NodeDeallocationOption=taskcompletion;n=3"}"""));

        var run = await new PoolScaling(TestBatchClients.Create(transport)).EvaluateAsync("p", "n = 3; $TargetLowPriorityNodes = n;");

        var request = Assert.Single(transport.Requests);
        Assert.Equal(("POST", "/pools/p/evaluateautoscale"), (request.Method, request.Uri.AbsolutePath));
        AssertJson("""{"autoScaleFormula": "n = 3; $TargetLowPriorityNodes = n;"}""", request.BodyText);
        Assert.True(run.Succeeded);
        Assert.Equal((0, 3, "taskcompletion"), (run.TargetDedicatedNodes, run.TargetSpotNodes, run.NodeDeallocationOption));
        Assert.Equal("3", run.Variables["n"]);
    }

    [Fact]
    public async Task EvaluateReportsTheFormulasError()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200,
            """{"timestamp":"2026-12-05T01:00:00Z","error":{"code":"UnsupportedFunction","message":"The function percentile() is not supported.","values":[{"name":"Formula","value":"..."}]}}"""));

        var run = await new PoolScaling(TestBatchClients.Create(transport)).EvaluateAsync("p", "$TargetDedicatedNodes = percentile($PendingTasks.GetSample(9), 50);");

        Assert.False(run.Succeeded);
        Assert.Equal("UnsupportedFunction", run.ErrorCode);
        Assert.Contains("percentile", run.ErrorMessage);
        Assert.Null(run.TargetDedicatedNodes);
    }

    [Fact]
    public async Task PoolAddCarriesSpotTargetsOrAnAutoScaleFormula()
    {
        var transport = ScriptedTransport.Queue(new ScriptedResponse(201), new ScriptedResponse(201));
        var client = TestBatchClients.Create(transport);

        await client.CreatePoolAsync(new BatchPoolCreateOptions("spot", "standard_d2s_v3") { TargetDedicatedNodes = 0, TargetLowPriorityNodes = 4 });
        await client.CreatePoolAsync(new BatchPoolCreateOptions("auto", "standard_d2s_v3")
        {
            EnableAutoScale = true, AutoScaleFormula = "$TargetLowPriorityNodes = 2;", AutoScaleEvaluationInterval = TimeSpan.FromMinutes(15),
        });

        AssertJson("""{"id": "spot", "vmSize": "standard_d2s_v3", "targetDedicatedNodes": 0, "targetLowPriorityNodes": 4}""", transport.Requests[0].BodyText);
        // With enableAutoScale the targets are left out (§5.2): the formula sets them.
        AssertJson("""{"id": "auto", "vmSize": "standard_d2s_v3", "enableAutoScale": true, "autoScaleFormula": "$TargetLowPriorityNodes = 2;", "autoScaleEvaluationInterval": "PT15M"}""",
            transport.Requests[1].BodyText);
    }
}
