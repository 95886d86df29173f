using System.Management.Automation;
using System.Text.RegularExpressions;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// Invoke-BwTutorial end to end on the local stack: the golden top-3 lists of the tutorial's own data, the
/// original's milestones, nothing left behind, pool reuse with -KeepPool, failed tasks, the timeout,
/// -WhatIf and -Confirm, and the no-argument default. The tutorial uses the fixed containers application,
/// input and output (as the original does); the tests of this collection run one at a time, so that is safe.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class TutorialTests(LocalStackFixture stack) : IDisposable
{
    internal static readonly string[] TutorialContainers = { "application", "input", "output" };
    private readonly BatchResources _made = new(stack, "tutorial");

    public void Dispose() => _made.Dispose();

    private string TutorialData => Path.Combine(BuiltModule.TutorialDataDirectory, "*.txt");

    /// <summary>The tutorial's golden top-3 lists (reference anchors.md §1.3), per input file name.</summary>
    internal static readonly Dictionary<string, (string, long)[]> Golden = new()
    {
        ["taskdata1.txt"] = new[] { ("to", 18L), ("and", 17L), ("you", 14L) },
        ["taskdata2.txt"] = new[] { ("Storage", 11L), ("for", 8L), ("data", 7L) },
        ["taskdata3.txt"] = new[] { ("the", 10L), ("of", 8L), ("and", 6L) },
    };

    internal static (string, long)[] TopWords(PSObject result)
        => ((System.Collections.IEnumerable)result.Get("TopWords")!).Cast<object>().Select(PSObject.AsPSObject)
            .Select(w => (w.Text("Word")!, (long)w.Get("Count")!)).ToArray();

    private (string Pool, string Job) Ids()
    {
        _made.Also(containers: TutorialContainers);
        return (_made.Pool("tutorial"), _made.Job("tutorial"));
    }

    /// <summary>A pool made beforehand whose "batchwords-worker" is the fake worker: Invoke-BwTutorial reuses it (same program name).</summary>
    private FakeWorker PoolWithFakeWorker(PowerShellSession session, string pool)
    {
        var worker = FakeWorker.Write(_made.Temp, "batchwords-worker");
        session.Run("param($Pool, $Program) $null = New-BwPool -Id $Pool -NodeCount 2 -Program $Program", new { Pool = pool, Program = worker.Path }).AssertSucceeded();
        Eventually.True(() => stack.Batch.Nodes(pool).Count(n => n.State == "idle") == 2, "both nodes idle");
        return worker;
    }

    [Fact]
    public void Counts_the_tutorial_data_prints_the_milestones_and_leaves_nothing_behind()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = Ids();
        var destination = _made.Temp.Combine("out");

        var result = session.Run("param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination",
            new { Data = TutorialData, Pool = pool, Job = job, Destination = destination }).AssertSucceeded();

        // One result per task, in task order, with the golden top-3 lists and the downloaded output.
        Assert.All(result.Output, o => Assert.Equal("BatchWords.BwTutorialResult", o.TypeName()));
        Assert.Equal(new[] { "topNtask0", "topNtask1", "topNtask2" }, result.Output.Select(o => o.Text("TaskId")));
        foreach (var r in result.Output)
        {
            var name = Path.GetFileName(r.Text("Input")!);
            Assert.Equal(Golden[name], TopWords(r));
            Assert.Equal((true, 0), ((bool)r.Get("Succeeded")!, (int)r.Get("ExitCode")!));
            Assert.Equal(Path.Combine(destination, name.Replace(".txt", "_OUTPUT.txt")), r.Text("OutputPath"));
            Assert.True(File.Exists(r.Text("OutputPath")));
        }
        Assert.Equal(Path.Combine(BuiltModule.TutorialDataDirectory, "taskdata1.txt"), result.Output[0].Text("Input"));

        // The original's milestones, in its order, as information (shown by the host like Write-Host).
        var lines = result.Information.Select(i => i.MessageData.ToString()!).ToList();
        string[] expected =
        [
            @"^Sample start: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", "^$",
            .. Enumerable.Range(1, 3).Select(i => $"^Uploading file {Regex.Escape(Path.Combine(BuiltModule.TutorialDataDirectory, $"taskdata{i}.txt"))} to container \\[input\\]\\.\\.\\.$"),
            @"^Uploading file .*batchwords-worker to container \[application\]\.\.\.$",
            $@"^Creating pool \[{pool}\]\.\.\.$", $@"^Creating job \[{job}\]\.\.\.$", $@"^Adding 3 tasks to job \[{job}\]\.\.\.$",
            @"^Monitoring all tasks for 'Completed' state, timeout in 00:20:00\.\.\.$",
            @"^  Success! All tasks reached the 'Completed' state within the specified timeout period\.$",
            .. Enumerable.Range(1, 3).Select(_ => @"^  Downloaded blob taskdata\d_OUTPUT\.txt from container \[output\] to .+taskdata\d_OUTPUT\.txt$"),
            @"^  Download complete!$", @"^Deleting containers\.\.\.$", "^$",
            @"^Sample end: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", @"^Elapsed time: \d\d:\d\d:\d\d\.\d{3}$", "^$",
        ];
        Assert.True(expected.Length == lines.Count && expected.Zip(lines).All(p => Regex.IsMatch(p.Second, p.First)),
            "Milestones:\n" + string.Join("\n", lines));
        Assert.All(result.Information, i => Assert.Contains("PSHOST", i.Tags));
        Assert.Contains(result.HostLines, l => l.Kind == HostLineKind.Information && l.Text == $"Creating pool [{pool}]...");

        // Nothing left: containers, job and pool are gone (or going).
        Assert.All(TutorialContainers, c => Assert.False(stack.Storage.ContainerExists(c), $"container {c} is left"));
        Assert.True(stack.Batch.JobState(job) is null or "deleting");
        Assert.True(stack.Batch.PoolState(pool) is null or "deleting");
    }

    [Fact]
    public void The_steps_verbose_lines_follow_the_tutorials_own_redirection_instead_of_going_straight_to_the_host()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = Ids();

        // 4>&1: a step's verbose lines become output of the script, so none may reach the host on their own.
        var result = session.Run("param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination -Verbose 4>&1",
            new { Data = Path.Combine(BuiltModule.TutorialDataDirectory, "taskdata1.txt"), Pool = pool, Job = job, Destination = _made.Temp.Combine("out") }).AssertSucceeded();

        var captured = result.Output.Where(o => o.BaseObject is VerboseRecord).Select(o => ((VerboseRecord)o.BaseObject).Message).ToList();
        Assert.Contains(captured, m => m.StartsWith("POST /pools", StringComparison.Ordinal));    // New-BwPool's
        Assert.Contains(captured, m => m.StartsWith("GET /jobs/", StringComparison.Ordinal));     // Wait-BwTask's
        Assert.DoesNotContain(result.HostLines, l => l.Kind == HostLineKind.Verbose);
        Assert.Single(result.Output, o => o.TypeName() == "BatchWords.BwTutorialResult");
    }

    [Fact]
    public void KeepPool_leaves_the_pool_and_its_application_container_for_a_second_run_that_reuses_it()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, first) = Ids();
        var second = _made.Job("second");
        var args = new { Data = Path.Combine(BuiltModule.TutorialDataDirectory, "taskdata2.txt"), Pool = pool, First = first, Second = second, Destination = _made.Temp.Combine("out") };

        var run1 = session.Run("param($Data, $Pool, $First, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $First -Destination $Destination -NodeCount 2 -KeepPool -KeepJob", args).AssertSucceeded();
        Assert.Equal("active", stack.Batch.PoolState(pool));
        Assert.Equal(2, stack.Batch.GetPool(pool)!.Value.GetProperty("targetDedicatedNodes").GetInt32());
        Assert.True(stack.Storage.ContainerExists("application"));
        Assert.False(stack.Storage.ContainerExists("input") || stack.Storage.ContainerExists("output"));
        Assert.Equal("active", stack.Batch.JobState(first));

        var run2 = session.Run("param($Data, $Pool, $Second, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Second -Destination $Destination -Verbose", args).AssertSucceeded();

        Assert.Equal(Golden["taskdata2.txt"], TopWords(Assert.Single(run1.Output)));
        Assert.Equal(Golden["taskdata2.txt"], TopWords(Assert.Single(run2.Output)));
        Assert.Contains($"Pool '{pool}' exists and is compatible: reusing it.", run2.VerboseMessages);
        // The 2-node pool is reused as it is; without -NodeCount the tutorial asked for no count, so no warning.
        Assert.Empty(run2.Warnings);
        // Reused, not re-created; and this run, without -KeepPool, removes it and the application container.
        Assert.DoesNotContain(run2.VerboseMessages, m => m.StartsWith("POST /pools", StringComparison.Ordinal));
        Assert.True(stack.Batch.PoolState(pool) is null or "deleting");
        Assert.All(TutorialContainers, c => Assert.False(stack.Storage.ContainerExists(c), $"container {c} is left"));
        Assert.Equal("active", stack.Batch.JobState(first));
    }

    [Fact]
    public void A_failing_task_is_reported_with_its_exit_code_and_stderr_while_the_other_outputs_download()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = Ids();
        PoolWithFakeWorker(session, pool);
        var files = new[] { _made.Input("good.txt", "good"), _made.Input("bad.txt", "exit 3") };
        var destination = _made.Temp.Combine("out");

        var result = session.Run("param($Files, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Files -PoolId $Pool -JobId $Job -Destination $Destination",
            new { Files = files, Pool = pool, Job = job, Destination = destination });

        var error = result.SingleError();
        // Wait-BwTask's error, written again by the tutorial (so its id names Invoke-BwTutorial).
        Assert.Equal(("TaskFailed,BatchWords.PowerShell.InvokeBwTutorialCommand", ErrorCategory.InvalidResult), (error.FullyQualifiedErrorId, error.CategoryInfo.Category));
        Assert.Contains("failed (exit code 3, FailureExitCode)", error.Exception.Message);
        Assert.Contains("fake-worker: bad.txt asks for exit code 3", error.Exception.Message);
        Assert.Null(result.Terminating);

        var byInput = result.Output.ToDictionary(o => Path.GetFileName(o.Text("Input")!));
        Assert.Equal((false, 3, (string?)null), ((bool)byInput["bad.txt"].Get("Succeeded")!, (int)byInput["bad.txt"].Get("ExitCode")!, byInput["bad.txt"].Text("OutputPath")));
        Assert.Empty(TopWords(byInput["bad.txt"]));
        Assert.True((bool)byInput["good.txt"].Get("Succeeded")!);
        Assert.Equal(new[] { ("good", 1L) }, TopWords(byInput["good.txt"]));
        Assert.True(File.Exists(Path.Combine(destination, "good_OUTPUT.txt")));
        Assert.False(File.Exists(Path.Combine(destination, "bad_OUTPUT.txt")));
        Assert.Contains(result.Information, i => i.MessageData.ToString() == "  All tasks reached the 'Completed' state within the specified timeout period; 1 of them failed (see the errors).");
        Assert.All(TutorialContainers, c => Assert.False(stack.Storage.ContainerExists(c), $"container {c} is left"));
    }

    [Fact]
    public void A_timeout_names_the_unfinished_tasks_and_ends_the_job_so_no_task_keeps_running()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = Ids();
        var worker = PoolWithFakeWorker(session, pool);
        var files = new[] { _made.Input("quick.txt", "quick"), _made.Input("slow.txt", "sleep") };

        var result = session.Run("param($Files, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Files -PoolId $Pool -JobId $Job -Destination $Destination -Timeout 00:00:03",
            new { Files = files, Pool = pool, Job = job, Destination = _made.Temp.Combine("out") });

        var error = result.SingleError();
        Assert.Equal(("WaitTimedOut,BatchWords.PowerShell.InvokeBwTutorialCommand", ErrorCategory.OperationTimeout), (error.FullyQualifiedErrorId, error.CategoryInfo.Category));
        Assert.Equal($"1 task(s) of job '{job}' did not complete within 00:00:03: topNtask1 (running).", error.Exception.Message);
        Assert.Empty(result.Output);
        Assert.Contains($"Job '{job}' was terminated so that its unfinished tasks stop", Assert.Single(result.Warnings).Message);
        // The tutorial made that job: its sleeping task is killed rather than left running unwatched.
        var pid = worker.SleepingPid(job, "topNtask1") ?? throw new Xunit.Sdk.XunitException("The slow task never ran.");
        Eventually.True(() => !LocalStackFixture.ProcessIsAlive(pid), $"task process {pid} is gone");
        Assert.Equal("TutorialStopped", stack.Batch.GetJob(job)!.Value.GetProperty("executionInfo").GetProperty("terminateReason").GetString());
    }

    [Fact]
    public void A_job_id_in_use_on_another_pool_is_refused_and_that_job_is_left_alone()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = Ids();
        var other = _made.Pool("other");
        // Someone's job, with a waiting task, on another pool (no nodes).
        session.Run("""
            param($Other, $Job, $App, $In, $Out, $File)
            $null = New-BwPool -Id $Other -NodeCount 0 -ApplicationContainer $App
            $null = Publish-BwInput -Container (New-BwContainer $In).Name -Path $File | Start-BwJob -JobId $Job -Pool $Other -OutputContainer $Out
            """, new { Other = other, Job = job, App = _made.Container("app"), In = _made.Container("in"), Out = _made.Container("out"), File = _made.Input("theirs.txt", "theirs") }).AssertSucceeded();

        var result = session.Run("param($Data, $Pool, $Job) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job",
            new { Data = Path.Combine(BuiltModule.TutorialDataDirectory, "taskdata1.txt"), Pool = pool, Job = job });

        Assert.Equal("JobOnAnotherPool", result.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(result.Warnings);
        Assert.Equal("active", stack.Batch.JobState(job));
        Assert.Equal("active", stack.Batch.GetTask(job, "topNtask0")!.Value.GetProperty("state").GetString());
    }

    [Fact]
    public void WhatIf_creates_nothing()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job) = Ids();

        var result = session.Run("param($Data, $Pool, $Job) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -WhatIf", new { Data = TutorialData, Pool = pool, Job = job }).AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Equal($"What if: Performing the operation \"Run the Batch top-N words tutorial\" on target \"3 file(s) on pool '{pool}', job '{job}'\".", Assert.Single(result.WhatIf));
        Assert.Empty(result.Information);
        Assert.All(TutorialContainers, c => Assert.False(stack.Storage.ContainerExists(c), $"container {c} was created"));
        Assert.Null(stack.Batch.GetPool(pool));
        Assert.Null(stack.Batch.GetJob(job));
    }

    [Fact]
    public void Confirm_asks_before_the_run_and_instead_of_the_originals_delete_job_and_delete_pool_questions()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost().Answer("Yes", "Yes", "No"));
        var (pool, job) = Ids();

        var result = session.Run("param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination -Confirm",
            new { Data = Path.Combine(BuiltModule.TutorialDataDirectory, "taskdata3.txt"), Pool = pool, Job = job, Destination = _made.Temp.Combine("out") }).AssertSucceeded();

        Assert.Equal(new[] { "Run the Batch top-N words tutorial", "Delete Batch job", "Delete Batch pool" },
            result.Prompts.Select(p => Regex.Match(p.Message, "Performing the operation \"([^\"]+)\"").Groups[1].Value));
        Assert.Equal(Golden["taskdata3.txt"], TopWords(Assert.Single(result.Output)));
        Assert.True(stack.Batch.JobState(job) is null or "deleting");
        Assert.Equal("active", stack.Batch.PoolState(pool));
        Assert.True(stack.Storage.ContainerExists("application"));
    }

    [Fact]
    public void With_no_arguments_it_counts_the_module_samples_on_the_Local_backend()
    {
        // A session that never connected: the tutorial connects to the Local backend itself (this run's stack).
        using var session = PowerShellSession.Start();
        _made.Also(pools: new[] { "BatchWordsTutorialPool" }, containers: TutorialContainers);
        var here = _made.Temp.Combine("cwd");
        Directory.CreateDirectory(here);

        var result = session.Run("param($Here) $null = $ExecutionContext.SessionState.Path.SetLocation($Here); Invoke-BwTutorial; (Get-BwContext).Backend",
            new { Here = here });
        foreach (var leftover in stack.Batch.JobIds().Where(j => j.StartsWith("BatchWordsTutorialJob-", StringComparison.Ordinal))) _made.Also(jobs: new[] { leftover });
        result.AssertSucceeded();

        var samples = Directory.GetFiles(Path.Combine(BuiltModule.Directory, "samples"), "*.txt").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var results = result.Output.Take(result.Output.Count - 1).ToList();
        Assert.Equal(samples, results.Select(r => Path.GetFileName(r.Text("Input"))));
        Assert.All(results, r => Assert.True((bool)r.Get("Succeeded")! && TopWords(r).Length == 3, r.ToString()));
        Assert.All(results, r => Assert.StartsWith(Path.Combine(here, "batchwords-output") + Path.DirectorySeparatorChar, r.Text("OutputPath")));
        Assert.Equal("Local", result.Output[^1].ToString());
        Assert.Contains(result.Information, i => i.MessageData.ToString() == "Creating pool [BatchWordsTutorialPool]...");
        Assert.True(stack.Batch.PoolState("BatchWordsTutorialPool") is null or "deleting");
    }
}
