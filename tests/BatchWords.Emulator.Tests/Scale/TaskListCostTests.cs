using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;
using static BatchWords.Emulator.Tests.Infrastructure.EmulatorFixture;

namespace BatchWords.Emulator.Tests.Scale;

/// <summary>
/// Issue 12, finding 8: what a task list, taskcounts and a job deletion cost the emulator, counted (task views
/// built, records left alive), never timed. The tasks' pool does not exist, so they stay active unless ended.
/// </summary>
[Collection(WireCollection.Name)]
public sealed class TaskListCostTests
{
    private const int TaskCount = 2000;
    private readonly EmulatorFixture _emulator;

    public TaskListCostTests(EmulatorFixture emulator) => _emulator = emulator;

    /// <summary>A job whose pool does not exist, with <paramref name="tasks"/> tasks t00000, t00001, ...; every 100th ended (completed, failed).</summary>
    private async Task<string> CreateJobAsync(string stem, int tasks)
    {
        var job = $"{stem}-{Guid.NewGuid():N}"[..24];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"no-such-pool-{{{job}}}"}}"""))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        for (var start = 0; start < tasks; start += 100)
        {
            var body = new StringBuilder("{\"value\":[");
            for (var i = start; i < Math.Min(tasks, start + 100); i++)
                body.Append(i == start ? "" : ",").Append($$"""{"id":"t{{i:D5}}","commandLine":"/bin/true","outputFiles":[]}""");
            body.Append("]}");
            using var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/addtaskcollection"), body.ToString());
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        for (var i = 0; i < tasks; i += 100)
            using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks/t{i:D5}/terminate")))
                Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        return job;
    }

    private static string PathAndQuery(string nextLink)
    {
        var uri = new Uri(nextLink);
        return uri.PathAndQuery;
    }

    [Fact]
    public async Task A_task_list_page_builds_only_the_views_of_its_own_tasks()
    {
        var job = await CreateJobAsync("cost-page", TaskCount);
        var state = _emulator.Runtime.State;

        // Walk the whole list ten tasks at a time: each page, however deep, builds ten views.
        var before = state.TaskViewsBuilt;
        var page = await _emulator.GetJsonAsync(Q($"/jobs/{job}/tasks", "maxresults=10"));
        Assert.Equal(10, state.TaskViewsBuilt - before);
        var seen = page["value"]!.AsArray().Count;
        for (var pages = 1; pages < 50; pages++)
        {
            before = state.TaskViewsBuilt;
            page = await _emulator.GetJsonAsync(PathAndQuery((string)page["odata.nextLink"]!));
            Assert.Equal(10, state.TaskViewsBuilt - before);
            seen += page["value"]!.AsArray().Count;
        }
        Assert.Equal(500, seen);
        Assert.Equal("t00499", (string?)page["value"]!.AsArray()[^1]!["id"]);
    }

    [Fact]
    public async Task Filter_on_state_builds_no_view_for_a_task_that_does_not_match_and_select_keeps_the_page_small()
    {
        var job = await CreateJobAsync("cost-filter", TaskCount);
        var state = _emulator.Runtime.State;

        var ids = new List<string>();
        var before = state.TaskViewsBuilt;
        var link = Q($"/jobs/{job}/tasks", "$filter=" + Uri.EscapeDataString("state eq 'completed'") + "&$select=id,state,executionInfo&maxresults=5");
        while (true)
        {
            var page = await _emulator.GetJsonAsync(link);
            foreach (var item in page["value"]!.AsArray())
            {
                var task = item!.AsObject();
                Assert.Equal(new[] { "executionInfo", "id", "state" }, task.Select(p => p.Key).Order());
                Assert.Equal("completed", (string?)task["state"]);
                Assert.Equal("failure", (string?)task["executionInfo"]!["result"]);
                ids.Add((string)task["id"]!);
            }
            if (page["odata.nextLink"] is null) break;
            link = PathAndQuery((string)page["odata.nextLink"]!);
        }
        // 20 matching tasks among 2000, in four pages of five: 20 views, not one per task scanned.
        Assert.Equal(Enumerable.Range(0, TaskCount / 100).Select(i => $"t{i * 100:D5}"), ids);
        Assert.Equal(TaskCount / 100, state.TaskViewsBuilt - before);
    }

    [Fact]
    public async Task Task_counts_come_from_counters_that_follow_every_change()
    {
        var job = await CreateJobAsync("cost-counts", 300);
        var before = _emulator.Runtime.State.TaskViewsBuilt;
        var counts = await _emulator.GetJsonAsync(Q($"/jobs/{job}/taskcounts"));
        Assert.Equal(0, _emulator.Runtime.State.TaskViewsBuilt - before);
        AssertCounts(counts["taskCounts"]!, active: 297, running: 0, succeeded: 0, failed: 3);
        AssertCounts(counts["taskSlotCounts"]!, active: 297, running: 0, succeeded: 0, failed: 3);

        // A deleted task leaves the counts; a reactivated one goes back to active.
        using (var r = await _emulator.SendAsync(HttpMethod.Delete, Q($"/jobs/{job}/tasks/t00001"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Delete, Q($"/jobs/{job}/tasks/t00100"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks/t00200/reactivate"))) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        counts = await _emulator.GetJsonAsync(Q($"/jobs/{job}/taskcounts"));
        AssertCounts(counts["taskCounts"]!, active: 297, running: 0, succeeded: 0, failed: 1);
    }

    private static void AssertCounts(JsonNode counts, int active, int running, int succeeded, int failed)
    {
        Assert.Equal(active, (int)counts["active"]!);
        Assert.Equal(running, (int)counts["running"]!);
        Assert.Equal(succeeded, (int)counts["succeeded"]!);
        Assert.Equal(failed, (int)counts["failed"]!);
        Assert.Equal(succeeded + failed, (int)counts["completed"]!);
    }

    [Fact]
    public async Task A_deleted_job_leaves_no_task_record_alive_and_its_memory_is_given_back()
    {
        var job = await CreateJobAsync("cost-delete", 1500);
        var collections = _emulator.Runtime.Memory.Collections;
        var (jobRecord, taskRecord) = WeakRecords(job);
        // A full listing, as a client polling the job makes.
        var link = Q($"/jobs/{job}/tasks");
        while (true)
        {
            var page = await _emulator.GetJsonAsync(link);
            if (page["odata.nextLink"] is null) break;
            link = PathAndQuery((string)page["odata.nextLink"]!);
        }

        using (var r = await _emulator.SendAsync(HttpMethod.Delete, Q($"/jobs/{job}"))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        await Eventually.GetAsync(async () =>
        {
            using var r = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}"));
            return r.StatusCode;
        }, status => status == HttpStatusCode.NotFound, $"job {job} to be gone");

        // Nothing in the emulator still refers to the job or its tasks: the collector can take them all.
        await Eventually.TrueAsync(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return !jobRecord.IsAlive && !taskRecord.IsAlive;
        }, "the deleted job's records to be collected");
        // And 1500 task records gone is enough for the emulator to hand the freed heap back to the system.
        await Eventually.TrueAsync(() => _emulator.Runtime.Memory.Collections > collections, "the memory of the deleted job to be released");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private (WeakReference Job, WeakReference Task) WeakRecords(string jobId)
    {
        lock (_emulator.Runtime.State.Gate)
        {
            var job = _emulator.Runtime.State.Jobs[jobId];
            return (new WeakReference(job), new WeakReference(job.TaskOrder[^1]));
        }
    }
}
