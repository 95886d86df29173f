using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// Remove-BwJob and Remove-BwPool: ConfirmImpact High, so they ask through the host unless -Force or
/// -Confirm:$false; -WhatIf deletes nothing; deleting a job kills its running task processes.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class RemoveBatchTests(LocalStackFixture stack) : IDisposable
{
    private readonly BatchResources _made = new(stack, "remove");

    public void Dispose() => _made.Dispose();

    private static bool Gone(string? state) => state is null or "deleting";

    /// <summary>Pools with no nodes (cheap) made through New-BwPool.</summary>
    private string[] Pools(PowerShellSession session, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => _made.Pool($"rm{i}")).ToArray();
        session.Run("param($Ids, $App) $Ids | ForEach-Object { $null = New-BwPool -Id $_ -NodeCount 0 -ApplicationContainer $App }",
            new { Ids = ids, App = _made.Container("app") }).AssertSucceeded();
        return ids;
    }

    /// <summary>Jobs (with one waiting task each) on a pool with no nodes.</summary>
    private string[] Jobs(PowerShellSession session, int count)
    {
        var pool = Pools(session, 1)[0];
        var ids = Enumerable.Range(0, count).Select(i => _made.Job($"rm{i}")).ToArray();
        var file = _made.Input("r.txt", "r");
        session.Run("param($Ids, $Pool, $File, $In, $Out) $inputs = Publish-BwInput -Container (New-BwContainer $In).Name -Path $File; $Ids | ForEach-Object { $null = $inputs | Start-BwJob -JobId $_ -Pool $Pool -OutputContainer $Out }",
            new { Ids = ids, Pool = pool, File = file, In = _made.Container("in"), Out = _made.Container("out") }).AssertSucceeded();
        return ids;
    }

    [Fact]
    public void Remove_BwPool_asks_through_the_host_and_deletes_only_what_was_answered_yes()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost().Answer("Yes", "No"));
        var pools = Pools(session, 2);

        var result = session.Run("param($Yes, $No) Remove-BwPool $Yes, $No -PassThru", new { Yes = pools[0], No = pools[1] }).AssertSucceeded();

        Assert.Equal(2, result.Prompts.Count);
        Assert.Equal(("Confirm", "Yes"), (result.Prompts[0].Caption, result.Prompts[0].Answer));
        Assert.Contains($"Performing the operation \"Delete Batch pool\" on target \"pool '{pools[0]}'\".", result.Prompts[0].Message);
        Assert.Equal(pools[0], Assert.Single(result.Output).BaseObject);
        Assert.True(Gone(stack.Batch.PoolState(pools[0])));
        Assert.Equal("active", stack.Batch.PoolState(pools[1]));
    }

    [Fact]
    public void Remove_BwJob_asks_through_the_host_and_Yes_to_All_answers_for_the_rest()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost().Answer("No", "Yes to All"));
        var jobs = Jobs(session, 3);

        var result = session.Run("param($Ids) $Ids | Remove-BwJob -PassThru", new { Ids = jobs }).AssertSucceeded();

        Assert.Equal(2, result.Prompts.Count);
        Assert.Contains($"Performing the operation \"Delete Batch job and its tasks\" on target \"job '{jobs[0]}'\".", result.Prompts[0].Message);
        Assert.Equal(new[] { jobs[1], jobs[2] }, result.Output.Select(o => (string)o.BaseObject));
        Assert.Equal("active", stack.Batch.JobState(jobs[0]));
        Assert.True(Gone(stack.Batch.JobState(jobs[1])) && Gone(stack.Batch.JobState(jobs[2])));
    }

    [Theory]
    [InlineData("-Force")]
    [InlineData("-Confirm:$false")]
    public void Force_or_Confirm_false_deletes_without_asking(string switches)
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var jobs = Jobs(session, 1);
        var pool = Pools(session, 1)[0];

        var result = session.Run($"param($Job, $Pool) Remove-BwJob $Job {switches} -Verbose; Remove-BwPool $Pool {switches} -Verbose", new { Job = jobs[0], Pool = pool }).AssertSucceeded();

        Assert.Empty(result.Prompts);
        Assert.Contains($"DELETE /jobs/{jobs[0]}", result.VerboseMessages);
        Assert.Contains($"DELETE /pools/{pool}", result.VerboseMessages);
        Assert.True(Gone(stack.Batch.JobState(jobs[0])));
        Assert.True(Gone(stack.Batch.PoolState(pool)));
    }

    [Fact]
    public void WhatIf_deletes_nothing_even_with_Force()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var jobs = Jobs(session, 1);
        var pool = Pools(session, 1)[0];

        var result = session.Run("param($Job, $Pool) Remove-BwJob $Job -WhatIf; Remove-BwJob $Job -WhatIf -Force; Remove-BwPool $Pool -WhatIf -Force", new { Job = jobs[0], Pool = pool }).AssertSucceeded();

        Assert.Empty(result.Prompts);
        Assert.Equal(new[]
        {
            $"What if: Performing the operation \"Delete Batch job and its tasks\" on target \"job '{jobs[0]}'\".",
            $"What if: Performing the operation \"Delete Batch job and its tasks\" on target \"job '{jobs[0]}'\".",
            $"What if: Performing the operation \"Delete Batch pool\" on target \"pool '{pool}'\".",
        }, result.WhatIf);
        Assert.Equal("active", stack.Batch.JobState(jobs[0]));
        Assert.Equal("active", stack.Batch.PoolState(pool));
    }

    [Fact]
    public void With_no_host_they_must_be_given_Force_or_Confirm_false()
    {
        using var session = PowerShellSession.StartWithoutHost();
        session.Run("param($Context) $null = Connect-BwAccount -Context $Context", new { stack.Context }).AssertSucceeded();
        var pool = Pools(session, 1)[0];

        var refused = session.Run("param($Pool) Remove-BwPool $Pool", new { Pool = pool });
        Assert.Equal("HostFunctionNotImplemented", refused.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("active", stack.Batch.PoolState(pool));

        session.Run("param($Pool) Remove-BwPool $Pool -Force", new { Pool = pool }).AssertSucceeded();
        Assert.True(Gone(stack.Batch.PoolState(pool)));
    }

    [Fact]
    public void Piping_a_jobs_tasks_deletes_the_job_once()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var pool = Pools(session, 1)[0];
        var job = _made.Job("once");
        var files = new[] { _made.Input("1.txt", "1"), _made.Input("2.txt", "2"), _made.Input("3.txt", "3") };
        session.Run("param($Files, $Pool, $Job, $In, $Out) $null = $Files | Publish-BwInput -Container (New-BwContainer $In).Name | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out",
            new { Files = files, Pool = pool, Job = job, In = _made.Container("in"), Out = _made.Container("out") }).AssertSucceeded();

        var result = session.Run("param($Job) Get-BwTask -JobId $Job | Remove-BwJob -Force -PassThru", new { Job = job }).AssertSucceeded();

        Assert.Equal(job, Assert.Single(result.Output).BaseObject);
        Assert.True(Gone(stack.Batch.JobState(job)));
    }

    [Fact]
    public void Removing_a_job_kills_its_running_task_processes()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = (_made.Pool("kill"), _made.Job("kill"));
        var worker = FakeWorker.Write(_made.Temp);
        var file = _made.Input("s.txt", "sleep");
        session.Run("""
            param($File, $Pool, $Job, $App, $Program, $In, $Out)
            $null = New-BwPool -Id $Pool -NodeCount 1 -Program $Program -ApplicationContainer $App
            $null = Publish-BwInput -Container (New-BwContainer $In).Name -Path $File | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out
            """, new { File = file, Pool = pool, Job = job, App = _made.Container("app"), Program = worker.Path, In = _made.Container("in"), Out = _made.Container("out") }).AssertSucceeded();
        Eventually.True(() => worker.SleepingPid(job, "topNtask0") is not null, "the task is running");
        var pid = worker.SleepingPid(job, "topNtask0")!.Value;
        Assert.True(LocalStackFixture.ProcessIsAlive(pid));

        session.Run("param($Job) Remove-BwJob $Job -Force", new { Job = job }).AssertSucceeded();

        Eventually.True(() => !LocalStackFixture.ProcessIsAlive(pid), $"task process {pid} is gone");
    }

    [Fact]
    public void Removing_a_missing_job_or_pool_is_ObjectNotFound()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (job, pool) = (LocalStackFixture.NewBatchId("nojob"), LocalStackFixture.NewBatchId("nopool"));

        var result = session.Run("param($Job, $Pool) Remove-BwJob $Job -Force; Remove-BwPool $Pool -Force", new { Job = job, Pool = pool });

        var errors = result.AllErrors();
        Assert.Equal(2, errors.Count);
        ErrorAssert.Is(errors[0], "BatchJobNotFound", "RemoveBwJobCommand", ErrorCategory.ObjectNotFound, job);
        ErrorAssert.Is(errors[1], "BatchPoolNotFound", "RemoveBwPoolCommand", ErrorCategory.ObjectNotFound, pool);
    }
}
