using BatchWords.Core.Tests.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>
/// Remove-BwContainer's guard (azure-batch-samples#165) over a scripted pool listing: which pools count as live and
/// which containers are theirs, what -Force does, the error and the warnings word for word, and one listing per guard.
/// </summary>
public sealed class ContainerRemovalGuardTests
{
    private const string Blob = "http://127.0.0.1:1/devstoreaccount1";

    /// <summary>A pool in the listing: its state (null: none sent) and the URLs of its start task's resource files.</summary>
    private static string Pool(string id, string? state, params string[] resourceFileUrls)
    {
        var files = string.Join(",", resourceFileUrls.Select(u => u.Contains("?restype=container", StringComparison.Ordinal)
            ? $$"""{"storageContainerUrl":"{{u}}"}"""
            : $$"""{"httpUrl":"{{u}}","filePath":"worker"}"""));
        var stateJson = state is null ? "" : $$""","state":"{{state}}" """;
        return $$$"""{"id":"{{{id}}}"{{{stateJson}}},"startTask":{"commandLine":"install","resourceFiles":[{{{files}}}]}}""";
    }

    private static (ContainerRemovalGuard Guard, ScriptedTransport Transport) Guard(params string[] pools)
    {
        var transport = new ScriptedTransport(_ => ScriptedResponse.Json(200, "{\"value\":[" + string.Join(",", pools) + "]}"));
        return (new ContainerRemovalGuard(new PoolOperations(TestBatchClients.Context(), TestBatchClients.Create(transport))), transport);
    }

    [Fact]
    public async Task A_container_a_live_pool_downloads_from_stays_with_a_ContainerUsedByPool_error()
    {
        var (guard, _) = Guard(Pool("p1", "active", $"{Blob}/app/sha256-0123/worker?sv=x&sig=y"));

        var check = await guard.CheckAsync("app", force: false);

        Assert.False(check.MayRemove);
        Assert.Null(check.Warning);
        var refusal = Assert.IsType<BwException>(check.Refusal);
        Assert.Equal(BwErrorKind.InvalidOperation, refusal.Kind);
        Assert.Equal("ContainerUsedByPool", refusal.ErrorId);
        Assert.Equal("app", refusal.Target);
        Assert.Equal("Container 'app' was not removed: the start task of pool(s) 'p1' downloads from it, so nodes that join or reboot later would fail their start task.", refusal.Message);
        Assert.Equal("Remove the pool first (Remove-BwPool -Id p1), or pass -Force to remove the container anyway.", refusal.RecommendedAction);
    }

    [Fact]
    public async Task Every_live_pool_that_uses_it_is_named_in_listing_order_and_the_first_one_is_the_one_to_remove()
    {
        var (guard, _) = Guard(
            Pool("p1", "active", $"{Blob}/app/a/worker"),
            Pool("p2", "active", $"{Blob}/other/a/worker"),
            Pool("p3", "active", $"{Blob}/app/b/worker", $"{Blob}/app/b/more"));

        var refusal = (await guard.CheckAsync("app", force: false)).Refusal!;

        Assert.Contains("the start task of pool(s) 'p1', 'p3' downloads from it", refusal.Message);
        Assert.Equal("Remove the pool first (Remove-BwPool -Id p1), or pass -Force to remove the container anyway.", refusal.RecommendedAction);
    }

    [Theory]
    [InlineData("active")]
    [InlineData("upgrading")] // a state this client does not know is still a pool with nodes
    [InlineData(null)]
    public async Task Every_pool_that_is_not_being_deleted_counts_as_live(string? state)
    {
        var (guard, _) = Guard(Pool("p1", state, $"{Blob}/app/a/worker"));

        Assert.False((await guard.CheckAsync("app", force: false)).MayRemove);
    }

    [Theory]
    [InlineData("deleting")]
    [InlineData("Deleting")]
    public async Task A_pool_being_deleted_does_not_keep_its_container(string state)
    {
        var (guard, _) = Guard(Pool("p1", state, $"{Blob}/app/a/worker"));

        var check = await guard.CheckAsync("app", force: false);

        Assert.True(check.MayRemove);
        Assert.Null(check.Warning);
    }

    [Theory]
    [InlineData("http://127.0.0.2:1/devstoreaccount1/app/a/worker")] // another storage host
    [InlineData("http://127.0.0.1:2/devstoreaccount1/app/a/worker")] // another port
    [InlineData("http://127.0.0.1:1/otheraccount/app/a/worker")] // another account's path on the same host
    [InlineData("http://127.0.0.1:1/devstoreaccount1app/a/worker")] // a path that only starts like the account's
    [InlineData("http://127.0.0.1:1/devstoreaccount1/application/a/worker")] // another container whose name starts the same
    public async Task Only_this_storage_accounts_container_of_that_name_counts(string url)
    {
        var (guard, _) = Guard(Pool("p1", "active", url));

        var check = await guard.CheckAsync("app", force: false);

        Assert.True(check.MayRemove);
        Assert.Null(check.Warning);
    }

    [Theory]
    [InlineData("HTTP://127.0.0.1:1/devstoreaccount1/app/a/worker")]
    [InlineData("http://127.0.0.1:1/devstoreaccount1/app?restype=container&sv=x&sig=y")] // storageContainerUrl
    public async Task A_start_task_file_from_the_container_counts_however_its_url_is_written(string url)
    {
        var (guard, _) = Guard(Pool("p1", "active", url));

        Assert.False((await guard.CheckAsync("app", force: false)).MayRemove);
    }

    [Fact]
    public async Task Force_lets_it_go_with_a_warning_that_names_the_pools()
    {
        var (guard, _) = Guard(Pool("p1", "active", $"{Blob}/app/a/worker"), Pool("p2", "active", $"{Blob}/app/a/worker"));

        var check = await guard.CheckAsync("app", force: true);

        Assert.True(check.MayRemove);
        Assert.Null(check.Refusal);
        Assert.Equal("Container 'app' is used by the start task of pool(s) 'p1', 'p2': nodes that join or reboot will fail their start task. Removing it because -Force was given.", check.Warning);
    }

    [Fact]
    public async Task A_container_no_pool_uses_goes_without_a_word_with_or_without_force()
    {
        var (guard, _) = Guard(Pool("p1", "active", $"{Blob}/app/a/worker"));

        foreach (var force in new[] { false, true })
        {
            var check = await guard.CheckAsync("input", force);
            Assert.True(check.MayRemove);
            Assert.Null(check.Warning);
        }
    }

    [Fact]
    public async Task The_pools_are_listed_once_per_guard_with_only_the_properties_needed()
    {
        var (guard, transport) = Guard(Pool("p1", "active", $"{Blob}/app/a/worker"));

        await guard.CheckAsync("input", force: false);
        await guard.CheckAsync("app", force: false);
        await guard.CheckAsync("output", force: true);

        var request = Assert.Single(transport.Requests);
        Assert.Equal(("GET", "/pools"), (request.Method, request.Uri.AbsolutePath));
        Assert.Equal("id,state,startTask", request.Query["$select"]);
    }

    [Fact]
    public async Task Without_a_Batch_account_there_is_nothing_to_check()
    {
        var guard = new ContainerRemovalGuard(TestBatchClients.Context(withBatch: false));

        var check = await guard.CheckAsync("app", force: false);

        Assert.True(check.MayRemove);
        Assert.Null(check.Warning);
    }

    [Fact]
    public async Task A_listing_that_fails_is_a_warning_once_and_the_removals_go_on()
    {
        var transport = new ScriptedTransport(_ => ScriptedResponse.BatchError(403, "AuthorizationFailure", "This request is not authorized to perform this operation."));
        var guard = new ContainerRemovalGuard(new PoolOperations(TestBatchClients.Context(), TestBatchClients.Create(transport)));

        var first = await guard.CheckAsync("app", force: false);
        var second = await guard.CheckAsync("input", force: false);

        Assert.True(first.MayRemove);
        Assert.StartsWith("Could not check whether a pool still uses container 'app' (", first.Warning);
        Assert.Contains("not authorized", first.Warning);
        Assert.EndsWith("); removing it anyway.", first.Warning);
        Assert.True(second.MayRemove);
        Assert.Null(second.Warning);
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task A_cancelled_check_is_cancelled_not_a_warning()
    {
        var (guard, _) = Guard(Pool("p1", "active", $"{Blob}/app/a/worker"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => guard.CheckAsync("app", force: false, cancelled.Token));
    }
}
