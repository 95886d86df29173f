using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// Wait-BwTask: final states with exit codes, a failed task as a non-terminating error with its stderr
/// (completed is not success), progress with counts, $filter/$select queries, the timeout naming the
/// unfinished tasks, and -JobId alone.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class WaitTaskTests(LocalStackFixture stack) : IDisposable
{
    private const string Cmdlet = "WaitBwTaskCommand";
    private readonly BatchResources _made = new(stack, "wait");
    private FakeWorker _worker = null!;

    public void Dispose() => _made.Dispose();

    /// <summary>A session, a two-node pool of the fake worker, an input and an output container, and a job id.</summary>
    private (PowerShellSession Session, object Args) Setup(params (string Name, string Content)[] inputs)
    {
        var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job, app, input, output) = (_made.Pool("wait"), _made.Job("wait"), _made.Container("app"), _made.Container("in"), _made.Container("out"));
        _worker = FakeWorker.Write(_made.Temp);
        session.Run("param($Pool, $App, $Program, $In, $Out) $null = New-BwPool -Id $Pool -NodeCount 2 -Program $Program -ApplicationContainer $App; $null = New-BwContainer $In, $Out",
            new { Pool = pool, App = app, Program = _worker.Path, In = input, Out = output }).AssertSucceeded();
        // Both nodes ready before the tasks come, so a task is running (not waiting for a node) when it is looked at.
        Eventually.True(() => stack.Batch.Nodes(pool).Count(n => n.State == "idle") == 2, "both nodes idle");
        var files = inputs.Select(i => _made.Input(i.Name, i.Content)).ToArray();
        return (session, new { Files = files, Pool = pool, Job = job, In = input, Out = output });
    }

    private const string StartJob = "$tasks = $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out";

    [Fact]
    public void Emits_each_task_in_its_final_state_and_reports_a_failed_one_as_a_non_terminating_error_with_its_stderr()
    {
        var (session, args) = Setup(("good.txt", "good"), ("bad.txt", "exit 3"));
        using var _ = session;

        var result = session.Run($"""
            param($Files, $Pool, $Job, $In, $Out)
            {StartJob}
            $tasks | Wait-BwTask -Timeout 00:01:00
            'went on'
            """, args);

        Assert.Equal("went on", result.Output[^1].BaseObject);
        var tasks = result.Output.SkipLast(1).ToList();
        Assert.All(tasks, t => Assert.Equal(("BatchWords.BwTask", "completed"), (t.TypeName(), t.Text("State"))));
        Assert.Equal(new[] { ("topNtask0", "bad.txt", "failure", (int?)3, "FailureExitCode"), ("topNtask1", "good.txt", "success", (int?)0, (string?)null) },
            tasks.Select(t => (t.Text("TaskId")!, t.Text("InputBlobName")!, t.Text("Result")!, (int?)t.Get("ExitCode"), t.Text("FailureCode"))).Order());
        Assert.Equal(new[] { false, true }, tasks.OrderBy(t => t.Text("TaskId")).Select(t => (bool)t.Get("Succeeded")!));

        var error = result.SingleError();
        Assert.Equal(($"TaskFailed,BatchWords.PowerShell.{Cmdlet}", ErrorCategory.InvalidResult), (error.FullyQualifiedErrorId, error.CategoryInfo.Category));
        Assert.Equal("topNtask0", ((PSObject)PSObject.AsPSObject(error.TargetObject)).Text("TaskId"));
        Assert.Contains("Task 'topNtask0' of job", error.Exception.Message);
        Assert.Contains("failed (exit code 3, FailureExitCode)", error.Exception.Message);
        Assert.Contains("stderr:\nfake-worker: bad.txt asks for exit code 3", error.Exception.Message);
        Assert.Contains("Get-BwTaskLog", error.ErrorDetails.RecommendedAction);
        Assert.Null(result.Terminating);
    }

    [Fact]
    public void Reports_progress_with_the_counts_and_asks_only_for_changed_tasks_with_filter_and_select()
    {
        var (session, args) = Setup(("one.txt", "one"), ("two.txt", "two"), ("three.txt", "exit 2"));
        using var _ = session;

        var result = session.Run($"""
            param($Files, $Pool, $Job, $In, $Out)
            {StartJob}
            $tasks | Wait-BwTask -Verbose -ErrorAction SilentlyContinue
            """, args);

        Assert.Equal(3, result.Output.Count);
        var job = (string)args.GetType().GetProperty("Job")!.GetValue(args)!;
        var progress = result.Progress.Where(p => p.Activity == $"Waiting for the tasks of job '{job}'").ToList();
        Assert.NotEmpty(progress);
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
        var last = progress.Last(p => p.RecordType == ProgressRecordType.Processing);
        Assert.StartsWith("2 succeeded, 1 failed, 0 running, 0 waiting (of 3); ", last.StatusDescription);
        Assert.Equal(100, last.PercentComplete);
        Assert.All(progress.Where(p => p.RecordType == ProgressRecordType.Processing),
            p => Assert.Matches(@"^\d succeeded, \d failed, \d running, \d waiting \(of 3\); \d\d:\d\d:\d\d of 00:20:00$", p.StatusDescription));

        // Every poll lists tasks by state with a $select: never every full task object.
        var queries = result.VerboseMessages.Where(m => m.StartsWith($"GET /jobs/{job}/tasks", StringComparison.Ordinal)).ToList();
        Assert.True(queries.Count >= 2, string.Join("\n", result.VerboseMessages));
        Assert.All(queries, q => Assert.Matches(@"\?\$filter=state (eq|ne) 'completed'&\$select=id,state", q));
    }

    [Fact]
    public void A_timeout_stops_with_an_error_naming_the_unfinished_tasks_after_emitting_the_finished_ones()
    {
        var (session, args) = Setup(("quick.txt", "quick"), ("slow.txt", "sleep"));
        using var _ = session;
        var job = (string)args.GetType().GetProperty("Job")!.GetValue(args)!;

        var result = session.Run($"""
            param($Files, $Pool, $Job, $In, $Out)
            {StartJob}
            $tasks | Wait-BwTask -Timeout 00:00:03
            'went on'
            """, args);

        Assert.Equal(new object[] { "topNtask0", "went on" }, result.Output.Select(o => o.BaseObject is string s ? s : o.Text("TaskId")!));
        var error = ErrorAssert.Is(result.SingleError(), "WaitTimedOut", Cmdlet, ErrorCategory.OperationTimeout, job);
        Assert.Equal($"1 task(s) of job '{job}' did not complete within 00:00:03: topNtask1 (running).", error.Exception.Message);
        // The sleeping task still runs: the wait gave up, not the task.
        Eventually.True(() => _worker.SleepingPid(job, "topNtask1") is { } pid && LocalStackFixture.ProcessIsAlive(pid), "the slow task's process runs");
        Assert.Equal("running", stack.Batch.GetTask(job, "topNtask1")!.Value.GetProperty("state").GetString());
    }

    [Fact]
    public void JobId_alone_or_a_piped_BwJob_waits_for_every_task_of_the_job()
    {
        var (session, args) = Setup(("a.txt", "a"), ("b.txt", "b"));
        using var _ = session;

        var result = session.Run($"""
            param($Files, $Pool, $Job, $In, $Out)
            {StartJob}
            Wait-BwTask -JobId $Job
            '--'
            Get-BwJob -Id $Job | Wait-BwTask
            '--'
            Wait-BwTask $Job topNtask1
            """, args).AssertSucceeded();

        var parts = JobTests.Split(result.Output);
        Assert.Equal(new[] { "topNtask0", "topNtask1" }, parts[0].Select(o => o.Text("TaskId")).Order());
        Assert.Equal(new[] { "topNtask0", "topNtask1" }, parts[1].Select(o => o.Text("TaskId")).Order());
        Assert.Equal("topNtask1", Assert.Single(parts[2]).Text("TaskId"));
        Assert.All(result.Output.Where(o => o.BaseObject is not string), o => Assert.Equal("success", o.Text("Result")));
    }

    [Fact]
    public void A_task_that_does_not_exist_is_ObjectNotFound_and_a_timeout_of_zero_is_InvalidArgument()
    {
        var (session, args) = Setup(("only.txt", "only"));
        using var _ = session;
        var job = (string)args.GetType().GetProperty("Job")!.GetValue(args)!;
        session.Run($"param($Files, $Pool, $Job, $In, $Out) {StartJob}", args).AssertSucceeded();

        var missing = session.Run("param($Job) Wait-BwTask -JobId $Job -TaskId topNtask0, nosuchtask", new { Job = job });
        var zero = session.Run("param($Job) Wait-BwTask -JobId $Job -Timeout 0", new { Job = job });

        var error = ErrorAssert.Is(missing.AllErrors()[^1], "TaskNotFound", Cmdlet, ErrorCategory.ObjectNotFound, job);
        Assert.Contains("1 of the awaited task(s) do not exist", error.Exception.Message);
        ErrorAssert.Is(zero.SingleError(), "InvalidTimeout", Cmdlet, ErrorCategory.InvalidArgument, TimeSpan.Zero);
    }
}
