using BatchWords.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>Paging over odata.nextLink and the list query parameters.</summary>
public class BatchListingTests
{
    private const string Page2 = "http://127.0.0.1:5123/jobs/job-1/tasks?api-version=2025-06-01.21.0&maxresults=2&$skiptoken=p2";
    private const string Page3 = "http://127.0.0.1:5123/jobs/job-1/tasks?api-version=2025-06-01.21.0&maxresults=2&$skiptoken=p3";

    private static ScriptedTransport ThreePagesWithAnEmptyMiddle() => ScriptedTransport.Queue(
        ScriptedResponse.Json(200, $$"""{"odata.metadata":"x#tasks","value":[{"id":"t1","state":"active"},{"id":"t2","state":"running"}],"odata.nextLink":"{{Page2}}"}"""),
        ScriptedResponse.Json(200, $$"""{"value":[],"odata.nextLink":"{{Page3}}"}"""),
        ScriptedResponse.Json(200, """{"value":[{"id":"t3","state":"completed"}]}"""));

    [Fact]
    public async Task FollowsNextLinkThroughAnEmptyPageToTheEnd()
    {
        var transport = ThreePagesWithAnEmptyMiddle();
        var client = TestBatchClients.Create(transport);

        var tasks = await client.GetTasksAsync("job-1", maxresults: 2).ToListAsync();

        Assert.Equal(new[] { "t1", "t2", "t3" }, tasks.Select(t => t.Id));
        Assert.Equal(new[] { BatchTaskState.Active, BatchTaskState.Running, BatchTaskState.Completed }, tasks.Select(t => t.State!.Value));
        Assert.Equal(3, transport.Requests.Count);
        // Later pages are the nextLink, unchanged (it already carries api-version and the original options).
        Assert.Equal(new Uri(Page2), transport.Requests[1].Uri);
        Assert.Equal(new Uri(Page3), transport.Requests[2].Uri);
        Assert.All(transport.Requests, r => Assert.StartsWith("SharedKey myaccount:", r.Header("Authorization")));
    }

    [Fact]
    public async Task AsyncPagingFollowsTheSameLinks()
    {
        var transport = ThreePagesWithAnEmptyMiddle();
        var client = TestBatchClients.Create(transport);

        var pages = new List<int>();
        await foreach (var page in client.GetTasksAsync("job-1", maxresults: 2).AsPages())
            pages.Add(page.Values.Count);

        Assert.Equal(new[] { 2, 0, 1 }, pages);
    }

    [Fact]
    public async Task FilterSelectAndMaxResultsAreEncodedInTheUrl()
    {
        var transport = ScriptedTransport.Queue(ScriptedResponse.Json(200, """{"value":[]}"""));
        var client = TestBatchClients.Create(transport);

        _ = await client.GetTasksAsync("job-1", maxresults: 100, filter: "state eq 'completed' and executionInfo/exitCode ne 0",
            select: new[] { "id", "state", "executionInfo" }).ToListAsync();

        var request = Assert.Single(transport.Requests);
        Assert.Equal("/jobs/job-1/tasks", request.Uri.AbsolutePath);
        Assert.Contains("state%20eq%20%27completed%27%20and%20executionInfo%2FexitCode%20ne%200", request.Uri.AbsoluteUri);
        Assert.DoesNotContain(" ", request.Uri.AbsoluteUri);
        Assert.Equal("state eq 'completed' and executionInfo/exitCode ne 0", request.Query["$filter"]);
        Assert.Equal("id,state,executionInfo", request.Query["$select"]);
        Assert.Equal("100", request.Query["maxresults"]);
        Assert.Equal("2025-06-01.21.0", request.Query["api-version"]);
    }

    [Fact]
    public async Task EveryListOperationTakesItsQueryOptions()
    {
        var transport = new ScriptedTransport(_ => ScriptedResponse.Json(200, """{"value":[]}"""));
        var client = TestBatchClients.Create(transport);

        _ = await client.GetPoolsAsync(10, "state eq 'active'", new[] { "id" }).ToListAsync();
        _ = await client.GetJobsAsync(20, "id eq 'j'", new[] { "id", "state" }).ToListAsync();
        _ = await client.GetNodesAsync("p 1", 30, "state eq 'idle'", new[] { "id" }).ToListAsync();
        _ = await client.GetSupportedImagesAsync(40, "verificationType eq 'verified'").ToListAsync();

        var r = transport.Requests;
        Assert.Equal(("/pools", "10", "state eq 'active'", "id"), (r[0].Uri.AbsolutePath, r[0].Query["maxresults"], r[0].Query["$filter"], r[0].Query["$select"]));
        Assert.Equal(("/jobs", "20", "id eq 'j'", "id,state"), (r[1].Uri.AbsolutePath, r[1].Query["maxresults"], r[1].Query["$filter"], r[1].Query["$select"]));
        Assert.Equal(("/pools/p%201/nodes", "30", "state eq 'idle'"), (r[2].Uri.AbsolutePath, r[2].Query["maxresults"], r[2].Query["$filter"]));
        Assert.Equal(("/supportedimages", "40", "verificationType eq 'verified'"), (r[3].Uri.AbsolutePath, r[3].Query["maxresults"], r[3].Query["$filter"]));
    }

    [Fact]
    public void OutOfRangeMaxResultsFailsBeforeAnyRequest()
    {
        var transport = ScriptedTransport.Queue();
        var client = TestBatchClients.Create(transport);

        Assert.Throws<ArgumentOutOfRangeException>(() => client.GetJobsAsync(maxresults: 1001));
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task ANextLinkOnAnotherHostIsReRootedOnTheEndpointSoCredentialsStayHome()
    {
        var transport = ScriptedTransport.Queue(
            ScriptedResponse.Json(200, """{"value":[{"id":"a"}],"odata.nextLink":"https://elsewhere.example/pools?api-version=2025-06-01.21.0&$skiptoken=x"}"""),
            ScriptedResponse.Json(200, """{"value":[{"id":"b"}]}"""));
        var client = TestBatchClients.Create(transport);

        Assert.Equal(new[] { "a", "b" }, (await client.GetPoolsAsync().ToListAsync()).Select(p => p.Id));
        Assert.Equal("127.0.0.1", transport.Requests[1].Uri.Host);
        Assert.Equal("x", transport.Requests[1].Query["$skiptoken"]);
    }

    [Fact]
    public async Task ANextLinkWithoutApiVersionGetsIt()
    {
        var transport = ScriptedTransport.Queue(
            ScriptedResponse.Json(200, """{"value":[],"odata.nextLink":"http://127.0.0.1:5123/jobs?$skiptoken=abc"}"""),
            ScriptedResponse.Json(200, """{"value":[]}"""));
        var client = TestBatchClients.Create(transport);

        _ = await client.GetJobsAsync().ToListAsync();

        Assert.Equal("2025-06-01.21.0", transport.Requests[1].Query["api-version"]);
        Assert.Equal("abc", transport.Requests[1].Query["$skiptoken"]);
    }
}
