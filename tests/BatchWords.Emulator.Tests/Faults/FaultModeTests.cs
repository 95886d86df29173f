using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using BatchWords.Batch;
using BatchWords.Emulator.Faults;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Emulator.Tests.Faults;

/// <summary>
/// The fault mode: 429/503 with Retry-After and dropped connections come before a request has any effect, dropAfter
/// after it (the change is made and kept, the answer is lost), and Core's BatchClient gets through all of them.
/// What a faulted emulator did is checked with a second, fault-free emulator on the same data folder (the journal
/// carries the state over).
/// </summary>
public sealed class FaultModeTests : IAsyncLifetime
{
    private const string Account = "devbatch";
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"bw-emulator-faults-{Guid.NewGuid():N}");
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly HttpClient _http = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _http.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    private Task<EmulatorHandle> StartAsync(string? faults) => EmulatorHost.StartAsync(new EmulatorOptions
    {
        AccountName = Account, AccountKey = _key, DataDirectory = _data, Faults = FaultSettings.Parse(faults),
    });

    private BatchClient Client(EmulatorHandle emulator, int maxRetries = 5) =>
        new(emulator.BaseUri, new AzureNamedKeyCredential(Account, _key), new BatchClientOptions { Retry = { MaxRetries = maxRetries, Delay = TimeSpan.FromMilliseconds(10) } });

    private async Task<HttpResponseMessage> CreateJobRawAsync(EmulatorHandle emulator, string jobId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseUri, EmulatorFixture.Q("/jobs")))
        {
            Content = new StringContent($"{{\"id\":\"{jobId}\",\"poolInfo\":{{\"poolId\":\"p\"}}}}", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; odata=minimalmetadata");
        request.Headers.TryAddWithoutValidation("ocp-date", DateTimeOffset.UtcNow.ToString("r"));
        request.Headers.TryAddWithoutValidation("client-request-id", Guid.NewGuid().ToString());
        SignAs(request);
        return await _http.SendAsync(request);
    }

    private void SignAs(HttpRequestMessage request)
    {
        // EmulatorFixture.Sign signs for its own account name, which is ours too.
        EmulatorFixture.Sign(request, _key);
    }

    private async Task<List<string>> JobsAfterRestartAsync()
    {
        await using var clean = await StartAsync(null);
        var jobs = new List<string>();
        await foreach (var job in Client(clean).GetJobsAsync()) jobs.Add(job.Id!);
        return jobs;
    }

    [Theory]
    [InlineData(429, "TooManyRequests")]
    [InlineData(503, "ServerBusy")]
    public async Task A_throttled_request_gets_its_status_with_Retry_After_and_has_no_effect(int status, string code)
    {
        await using (var emulator = await StartAsync($"rate=1;statuses={status};retryAfter=2"))
        {
            using var response = await CreateJobRawAsync(emulator, "throttled");
            Assert.Equal((HttpStatusCode)status, response.StatusCode);
            Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
            Assert.Contains($"\"code\":\"{code}\"", await response.Content.ReadAsStringAsync());
            Assert.True(response.Headers.Contains("request-id"));
        }
        Assert.Empty(await JobsAfterRestartAsync());
    }

    [Fact]
    public async Task A_connection_dropped_before_has_no_effect()
    {
        await using (var emulator = await StartAsync("drop=1"))
            await Assert.ThrowsAsync<HttpRequestException>(() => CreateJobRawAsync(emulator, "dropped"));
        Assert.Empty(await JobsAfterRestartAsync());
    }

    [Fact]
    public async Task A_connection_dropped_after_loses_the_answer_but_keeps_the_change()
    {
        await using (var emulator = await StartAsync("dropAfter=1"))
            await Assert.ThrowsAsync<HttpRequestException>(() => CreateJobRawAsync(emulator, "went-through"));
        Assert.Equal(new[] { "went-through" }, await JobsAfterRestartAsync());
    }

    [Fact]
    public async Task The_client_gets_every_call_through_throttling_and_dropped_connections()
    {
        await using var emulator = await StartAsync("rate=0.3;statuses=429,503;retryAfter=0;drop=0.1;seed=11");
        var client = Client(emulator, maxRetries: 10);
        for (var i = 0; i < 20; i++)
        {
            var pools = new List<BatchPool>();
            await foreach (var pool in client.GetPoolsAsync()) pools.Add(pool);
            Assert.Empty(pools);
        }
    }

    [Fact]
    public async Task Tasks_added_through_answers_dropped_after_the_change_are_each_added_once_and_reported_added()
    {
        var ids = Enumerable.Range(0, 30).Select(i => $"t{i}").ToList();
        await using (var emulator = await StartAsync("dropAfter=0.5;seed=5"))
        {
            var client = Client(emulator, maxRetries: 10);
            // The job itself may be created by an attempt whose answer was lost: the retry then meets JobExists.
            try { await client.CreateJobAsync(new BatchJobCreateOptions("adds", new BatchPoolInfo { PoolId = "no-such-pool" })); }
            catch (RequestFailedException e) when (e.ErrorCode == "JobExists") { }
            var result = await client.CreateTasksAsync("adds", ids.Select(id => new BatchTaskCreateOptions(id, "/bin/true")).ToList(),
                new CreateTasksOptions { MaxDegreeOfParallelism = 1 });
            Assert.Equal(ids.Count, result.PassCount);
        }
        await using var clean = await StartAsync(null);
        var tasks = new List<string>();
        await foreach (var task in Client(clean).GetTasksAsync("adds")) tasks.Add(task.Id!);
        Assert.Equal(ids.OrderBy(i => i), tasks.OrderBy(i => i));
    }
}
