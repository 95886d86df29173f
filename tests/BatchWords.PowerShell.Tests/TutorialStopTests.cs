using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// Ctrl+C (PowerShell.Stop() on the running pipeline) while tasks run: Invoke-BwTutorial ends the job it made,
/// so no task process is left running on this machine; Wait-BwTask alone stops waiting and leaves the tasks
/// to the user. The tasks run the fake worker, which sleeps and writes its pid, so the test can check the
/// very process is gone.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class TutorialStopTests(LocalStackFixture stack) : IDisposable
{
    private readonly BatchResources _made = new(stack, "stop");

    public void Dispose() => _made.Dispose();

    private FakeWorker SleepingPool(PowerShellSession session, string pool, string programName)
    {
        var worker = FakeWorker.Write(_made.Temp, programName);
        session.Run("param($Pool, $Program, $App) $null = New-BwPool -Id $Pool -NodeCount 2 -Program $Program -ApplicationContainer $App",
            new { Pool = pool, Program = worker.Path, App = programName == "batchwords-worker" ? "application" : _made.Container("app") }).AssertSucceeded();
        Eventually.True(() => stack.Batch.Nodes(pool).Count(n => n.State == "idle") == 2, "both nodes idle");
        return worker;
    }

    [Fact]
    public void Stopping_Invoke_BwTutorial_ends_its_job_and_leaves_no_task_process_running()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        _made.Also(containers: TutorialTests.TutorialContainers);
        var (pool, job) = (_made.Pool("stop"), _made.Job("stop"));
        // The tutorial reuses this pool: same program name as the bundled worker.
        var worker = SleepingPool(session, pool, "batchwords-worker");
        var files = new[] { _made.Input("one.txt", "sleep"), _made.Input("two.txt", "sleep") };

        var result = session.RunAndStop("param($Files, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Files -PoolId $Pool -JobId $Job -Destination $Destination",
            new { Files = files, Pool = pool, Job = job, Destination = _made.Temp.Combine("out") },
            stopWhen: () => worker.SleepingPids().Count == 2);

        Assert.IsType<PipelineStoppedException>(result.Terminating);
        var pids = worker.SleepingPids();
        Assert.All(pids, pid => Eventually.True(() => !LocalStackFixture.ProcessIsAlive(pid), $"task process {pid} is gone"));
        var service = stack.Batch.GetJob(job)!.Value;
        Assert.Equal("TutorialStopped", service.GetProperty("executionInfo").GetProperty("terminateReason").GetString());
        // Terminating is asynchronous (202): the job is terminating until its tasks are killed, then completed.
        Eventually.True(() => stack.Batch.JobState(job) == "completed", "the job completed", () => stack.Batch.JobState(job) ?? "gone");
        foreach (var task in new[] { "topNtask0", "topNtask1" })
        {
            var info = stack.Batch.GetTask(job, task)!.Value;
            Assert.Equal(("completed", "TaskEnded"), (info.GetProperty("state").GetString(), info.GetProperty("executionInfo").GetProperty("failureInfo").GetProperty("code").GetString()));
        }
        // Ctrl+C is not a failure to report: no warning, and the job's record stays for Get-BwTask.
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Stopping_Wait_BwTask_stops_the_wait_and_leaves_the_tasks_running()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = (_made.Pool("stopwait"), _made.Job("stopwait"));
        var worker = SleepingPool(session, pool, "fake-worker");
        var file = _made.Input("nap.txt", "sleep");

        var result = session.RunAndStop("""
            param($File, $Pool, $Job, $In, $Out)
            Publish-BwInput -Container (New-BwContainer $In).Name -Path $File | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out | Wait-BwTask
            """, new { File = file, Pool = pool, Job = job, In = _made.Container("in"), Out = _made.Container("out") },
            stopWhen: () => worker.SleepingPid(job, "topNtask0") is not null);

        Assert.IsType<PipelineStoppedException>(result.Terminating);
        Assert.True(LocalStackFixture.ProcessIsAlive(worker.SleepingPid(job, "topNtask0")!.Value));
        Assert.Equal("running", stack.Batch.GetTask(job, "topNtask0")!.Value.GetProperty("state").GetString());
    }
}
