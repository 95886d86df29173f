using System.Net;
using System.Text.Json.Nodes;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;
using static BatchWords.Emulator.Tests.Infrastructure.EmulatorFixture;

namespace BatchWords.Emulator.Tests.Wire;

/// <summary>
/// Issue 12, finding 13: a deleted pool or job is seen deleting, and a terminated job terminating, before it goes or
/// completes, so clients' polling through those states runs. An emulator of its own with a long stay (3 s), so
/// the first GET after the call always lands inside it.
/// </summary>
public sealed class TransientStateTests : IAsyncLifetime
{
    private readonly EmulatorFixture _emulator = new() { TransientStateStay = TimeSpan.FromSeconds(3) };

    public Task InitializeAsync() => _emulator.InitializeAsync();

    public Task DisposeAsync() => _emulator.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject? Body)> GetAsync(string path)
    {
        using var r = await _emulator.SendAsync(HttpMethod.Get, Q(path));
        var text = await r.Content.ReadAsStringAsync();
        return (r.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject());
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage r) => (string?)(await ReadJsonAsync(r))["code"];

    [Fact]
    public async Task A_deleted_pool_is_deleting_and_its_id_taken_until_it_goes()
    {
        var pool = "tr-pool-" + Guid.NewGuid().ToString("N")[..8];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/pools"), PoolJson(pool))) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Delete, Q($"/pools/{pool}"))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);

        var (status, body) = await GetAsync($"/pools/{pool}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("deleting", (string?)body!["state"]);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/pools"), PoolJson(pool)))
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Equal("PoolBeingDeleted", await CodeAsync(r));
        }
        await Eventually.GetAsync(() => GetAsync($"/pools/{pool}"), g => g.Status == HttpStatusCode.NotFound, $"pool {pool} to go");
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/pools"), PoolJson(pool))) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
    }

    [Fact]
    public async Task A_deleted_job_is_deleting_and_refuses_changes_until_it_goes()
    {
        var job = "tr-job-" + Guid.NewGuid().ToString("N")[..8];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"nowhere"}}""")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"t1","commandLine":"/bin/true"}""")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Delete, Q($"/jobs/{job}"))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);

        var (status, body) = await GetAsync($"/jobs/{job}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("deleting", (string?)body!["state"]);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"t2","commandLine":"/bin/true"}""")) Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"nowhere"}}""")) Assert.Equal("JobBeingDeleted", await CodeAsync(r));
        await Eventually.GetAsync(() => GetAsync($"/jobs/{job}"), g => g.Status == HttpStatusCode.NotFound, $"job {job} to go");
    }

    [Fact]
    public async Task A_terminated_job_is_terminating_before_it_completes()
    {
        var job = "tr-term-" + Guid.NewGuid().ToString("N")[..8];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"nowhere"}}""")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/terminate"), """{"terminateReason":"enough"}""")) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);

        var (_, body) = await GetAsync($"/jobs/{job}");
        Assert.Equal("terminating", (string?)body!["state"]);
        Assert.Null(body["executionInfo"]!["endTime"]);
        var (_, done) = await Eventually.GetAsync(() => GetAsync($"/jobs/{job}"), g => (string?)g.Body!["state"] == "completed", $"job {job} to complete");
        Assert.Equal("terminating", (string?)done!["previousState"]);
        Assert.Equal("enough", (string?)done["executionInfo"]!["terminateReason"]);
        Assert.NotNull(done["executionInfo"]!["endTime"]);
    }
}
