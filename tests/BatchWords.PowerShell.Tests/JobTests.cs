using System.Management.Automation;
using System.Text.Json;
using System.Web;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// Start-BwJob (with Get-BwJob and Get-BwTask): the job and its tasks as the emulator holds them, each task's
/// input as a resource file and its output file uploaded to the output container by the task's outputFiles.
/// Tasks run the fake worker (a shell program, <see cref="FakeWorker"/>) unless a test says otherwise.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class JobTests(LocalStackFixture stack) : IDisposable
{
    private const string Cmdlet = "StartBwJobCommand";
    private readonly BatchResources _made = new(stack, "jobs");

    public void Dispose() => _made.Dispose();

    /// <summary>A pool of <paramref name="nodes"/> running the fake worker, its containers, and a job id.</summary>
    private (PowerShellSession Session, string Pool, string Job, string Input, string Output) Setup(int nodes = 2)
    {
        var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job, app, input, output) = (_made.Pool("jobs"), _made.Job("job"), _made.Container("app"), _made.Container("in"), _made.Container("out"));
        var program = FakeWorker.Write(_made.Temp);
        session.Run("param($Pool, $App, $Program, $Nodes, $In, $Out) $null = New-BwPool -Id $Pool -NodeCount $Nodes -Program $Program -ApplicationContainer $App; $null = New-BwContainer $In, $Out",
            new { Pool = pool, App = app, Program = program.Path, Nodes = nodes, In = input, Out = output }).AssertSucceeded();
        return (session, pool, job, input, output);
    }

    [Fact]
    public void Creates_the_job_and_one_task_per_input_whose_outputs_land_in_the_output_container()
    {
        var (session, pool, job, input, output) = Setup();
        using var _ = session;
        var files = new[] { _made.Input("gamma.txt", "gamma"), _made.Input("alpha.txt", "alpha"), _made.Input("beta.txt", "beta") };

        var result = session.Run("""
            param($Files, $In, $Out, $Job, $Pool)
            $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out -Top 5 -Verbose
            """, new { Files = files, In = input, Out = output, Job = job, Pool = pool }).AssertSucceeded();

        // One BwTask per input, numbered in the order of the input names (taskdata1 is topNtask0, as in the tutorial).
        Assert.All(result.Output, o => Assert.Equal("BatchWords.BwTask", o.TypeName()));
        Assert.Equal(new[] { ("topNtask0", "alpha.txt", "alpha_OUTPUT.txt"), ("topNtask1", "beta.txt", "beta_OUTPUT.txt"), ("topNtask2", "gamma.txt", "gamma_OUTPUT.txt") },
            result.Output.Select(o => (o.Text("TaskId")!, o.Text("InputBlobName")!, o.Text("OutputBlobName")!)));
        Assert.All(result.Output, o => Assert.Equal((job, input, output, pool), (o.Text("JobId"), o.Text("InputContainer"), o.Text("OutputContainer"), o.Text("PoolId"))));
        Assert.Contains($"POST /jobs (id '{job}', pool '{pool}').", result.VerboseMessages);

        // As the service holds them: the job on the pool; per task, the input as a read-only resource file and
        // the output uploaded on success to the output container through a write-only container SAS.
        Assert.Equal(pool, stack.Batch.GetJob(job)!.Value.GetProperty("poolInfo").GetProperty("poolId").GetString());
        var task = stack.Batch.GetTask(job, "topNtask0")!.Value;
        Assert.Contains("\"$AZ_BATCH_NODE_SHARED_DIR/fake-worker\" --filepath \"alpha.txt\" --numwords 5", task.GetProperty("commandLine").GetString());
        var resource = Assert.Single(task.GetProperty("resourceFiles").EnumerateArray().ToList());
        Assert.Equal("alpha.txt", resource.GetProperty("filePath").GetString());
        var inputUrl = new Uri(resource.GetProperty("httpUrl").GetString()!);
        Assert.Equal($"/devstoreaccount1/{input}/alpha.txt", inputUrl.AbsolutePath);
        Assert.Equal("r", HttpUtility.ParseQueryString(inputUrl.Query)["sp"]);
        var outputFile = Assert.Single(task.GetProperty("outputFiles").EnumerateArray().ToList());
        Assert.Equal("alpha_OUTPUT.txt", outputFile.GetProperty("filePattern").GetString());
        Assert.Equal("tasksuccess", outputFile.GetProperty("uploadOptions").GetProperty("uploadCondition").GetString());
        var container = outputFile.GetProperty("destination").GetProperty("container");
        Assert.Equal("alpha_OUTPUT.txt", container.GetProperty("path").GetString());
        var outputUrl = new Uri(container.GetProperty("containerUrl").GetString()!);
        Assert.Equal($"/devstoreaccount1/{output}", outputUrl.AbsolutePath);
        // Write (and create) only: a task cannot read, list or delete what other tasks wrote.
        Assert.Matches("^c?w$", HttpUtility.ParseQueryString(outputUrl.Query)["sp"]);

        // Once they ran, the outputs are in the output container, written by the task that was given the input.
        session.Run("param($Job) $null = Wait-BwTask -JobId $Job -Timeout 00:01:00", new { Job = job }).AssertSucceeded();
        Assert.Equal(new[] { "alpha_OUTPUT.txt", "beta_OUTPUT.txt", "gamma_OUTPUT.txt" }, stack.Storage.ListBlobs(output).Order(StringComparer.Ordinal));
        var text = System.Text.Encoding.UTF8.GetString(stack.Storage.GetBlob(output, "beta_OUTPUT.txt")!);
        Assert.Contains("beta:\t1", text);
        Assert.Contains("Task: topNtask1", text);
        Assert.Contains($"Pool: {pool}", text);
    }

    [Fact]
    public void The_bundled_worker_counts_the_tutorial_files_on_a_two_node_pool()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job, app, input, output) = (_made.Pool("worker"), _made.Job("worker"), _made.Container("app"), _made.Container("in"), _made.Container("out"));

        session.Run("param($Pool, $App, $In, $Out) $null = New-BwContainer $In, $Out; $null = New-BwPool -Id $Pool -NodeCount 2 -ApplicationContainer $App",
            new { Pool = pool, App = app, In = input, Out = output }).AssertSucceeded();
        // Both nodes ready before the tasks come, so each takes one (else the first node up may run them all).
        Eventually.True(() => stack.Batch.Nodes(pool).Count(n => n.State == "idle") == 2, "both nodes idle");

        var result = session.Run("""
            param($Data, $Pool, $Job, $In, $Out)
            [IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $In |
                Start-BwJob -JobId $Job -Pool (Get-BwPool $Pool) -OutputContainer $Out | Wait-BwTask -Timeout 00:01:00
            """, new { Data = BuiltModule.TutorialDataDirectory, Pool = pool, Job = job, In = input, Out = output }).AssertSucceeded();

        Assert.Equal(new[] { ("topNtask0", "success", 0), ("topNtask1", "success", 0), ("topNtask2", "success", 0) },
            result.Output.Select(o => (o.Text("TaskId")!, o.Text("Result")!, (int)o.Get("ExitCode")!)).Order());
        var outputs = stack.Storage.ListBlobs(output).ToDictionary(b => b, b => System.Text.Encoding.UTF8.GetString(stack.Storage.GetBlob(output, b)!));
        Assert.Equal(new[] { "taskdata1_OUTPUT.txt", "taskdata2_OUTPUT.txt", "taskdata3_OUTPUT.txt" }, outputs.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("to:\t18\nand:\t17\nyou:\t14\n", outputs["taskdata1_OUTPUT.txt"]);
        Assert.Contains("Storage:\t11\nfor:\t8\ndata:\t7\n", outputs["taskdata2_OUTPUT.txt"]);
        Assert.Contains("the:\t10\nof:\t8\nand:\t6\n", outputs["taskdata3_OUTPUT.txt"]);
        // Two nodes, so the tasks were spread over both.
        Assert.Equal(2, result.Output.Select(o => o.Text("NodeId")).Distinct().Count());
    }

    [Fact]
    public void Pool_takes_a_BwPool_object_or_a_plain_id()
    {
        var (session, pool, job, input, output) = Setup(nodes: 1);
        using var _ = session;
        var second = _made.Job("byid");
        var file = _made.Input("one.txt", "one");

        var result = session.Run("""
            param($File, $In, $Out, $Job, $Second, $Pool)
            $inputs = Publish-BwInput -Container $In -Path $File
            $inputs | Start-BwJob -JobId $Job -Pool (Get-BwPool -Id $Pool) -OutputContainer $Out
            $inputs | Start-BwJob -JobId $Second -Pool $Pool -OutputContainer $Out
            """, new { File = file, In = input, Out = output, Job = job, Second = second, Pool = pool }).AssertSucceeded();

        Assert.Equal(new[] { job, second }, result.Output.Select(o => o.Text("JobId")));
        Assert.Equal(pool, stack.Batch.GetJob(job)!.Value.GetProperty("poolInfo").GetProperty("poolId").GetString());
        Assert.Equal(pool, stack.Batch.GetJob(second)!.Value.GetProperty("poolInfo").GetProperty("poolId").GetString());
    }

    [Fact]
    public void Running_it_again_with_the_same_inputs_adds_no_task_twice_and_adds_the_new_ones()
    {
        var (session, pool, job, input, output) = Setup(nodes: 1);
        using var _ = session;
        var (a, b) = (_made.Input("a.txt", "a"), _made.Input("b.txt", "b"));
        var args = new { A = a, B = b, In = input, Out = output, Job = job, Pool = pool };

        var first = session.Run("param($A, $B, $In, $Out, $Job, $Pool) Publish-BwInput -Container $In -Path $A | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out", args).AssertSucceeded();
        var again = session.Run("param($A, $B, $In, $Out, $Job, $Pool) Publish-BwInput -Container $In -Path $A, $B | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out -Verbose", args).AssertSucceeded();

        Assert.Equal("topNtask0", Assert.Single(first.Output).Text("TaskId"));
        Assert.Equal(new[] { ("topNtask0", "a.txt"), ("topNtask1", "b.txt") }, again.Output.Select(o => (o.Text("TaskId")!, o.Text("InputBlobName")!)).Order());
        Assert.Contains($"Input 'a.txt' already has task 'topNtask0' in job '{job}': not adding it again.", again.VerboseMessages);
        var tasks = session.Run("param($Job) Get-BwTask -JobId $Job", new { Job = job }).AssertSucceeded();
        Assert.Equal(new[] { "topNtask0", "topNtask1" }, tasks.Output.Select(o => o.Text("TaskId")).Order());
    }

    [Fact]
    public void WhatIf_creates_no_job_and_no_task()
    {
        var (session, pool, job, input, output) = Setup(nodes: 1);
        using var _ = session;
        var file = _made.Input("w.txt", "w");

        var result = session.Run("param($File, $In, $Out, $Job, $Pool) Publish-BwInput -Container $In -Path $File | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out -WhatIf",
            new { File = file, In = input, Out = output, Job = job, Pool = pool }).AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Equal($"What if: Performing the operation \"Create Batch job and tasks\" on target \"job '{job}' on pool '{pool}' (1 task(s), top 3)\".", Assert.Single(result.WhatIf));
        Assert.Null(stack.Batch.GetJob(job));
    }

    [Fact]
    public void A_job_that_exists_on_another_pool_is_refused_with_a_terminating_error()
    {
        var (session, pool, job, input, output) = Setup(nodes: 0);
        using var _ = session;
        var other = _made.Pool("other");
        var file = _made.Input("x.txt", "x");
        session.Run("param($Other, $App) $null = New-BwPool -Id $Other -NodeCount 0 -ApplicationContainer $App", new { Other = other, App = _made.Container("app2") }).AssertSucceeded();

        var result = session.Run("""
            param($File, $In, $Out, $Job, $Pool, $Other)
            $inputs = Publish-BwInput -Container $In -Path $File
            $null = $inputs | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out
            $inputs | Start-BwJob -JobId $Job -Pool $Other -OutputContainer $Out
            'went on'
            """, new { File = file, In = input, Out = output, Job = job, Pool = pool, Other = other });

        var error = ErrorAssert.Is(result.SingleError(), "JobOnAnotherPool", Cmdlet, ErrorCategory.InvalidOperation, job);
        Assert.Contains($"exists on pool '{pool}', not '{other}'", error.Exception.Message);
        // Statement-terminating: the script itself goes on.
        Assert.Equal("went on", Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void Get_BwJob_counts_the_tasks_and_Get_BwTask_reads_all_one_or_a_filter()
    {
        var (session, pool, job, input, output) = Setup();
        using var _ = session;
        var files = new[] { _made.Input("good.txt", "good"), _made.Input("bad.txt", "exit 3") };
        var waited = session.Run("param($Files, $In, $Out, $Job, $Pool) $null = $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out | Wait-BwTask",
            new { Files = files, In = input, Out = output, Job = job, Pool = pool });
        Assert.Equal("TaskFailed", waited.SingleError().FullyQualifiedErrorId.Split(',')[0]);

        var jobs = session.Run("param($Job) Get-BwJob -Id $Job; Get-BwJob | Where-Object Id -eq $Job", new { Job = job }).AssertSucceeded();
        var tasks = session.Run("""
            param($Job)
            Get-BwJob -Id $Job | Get-BwTask
            '--'
            Get-BwTask -JobId $Job -TaskId topNtask1
            '--'
            Get-BwTask -JobId $Job -Filter 'executionInfo/exitCode eq 3'
            """, new { Job = job }).AssertSucceeded();

        Assert.Equal(2, jobs.Output.Count);
        Assert.All(jobs.Output, j => Assert.Equal((job, pool, "active", 0, 0, 2, 1, 1),
            (j.Text("Id"), j.Text("PoolId"), j.Text("State"), (int)j.Get("ActiveTasks")!, (int)j.Get("RunningTasks")!, (int)j.Get("CompletedTasks")!, (int)j.Get("SucceededTasks")!, (int)j.Get("FailedTasks")!)));
        var parts = Split(tasks.Output);
        Assert.Equal(new[] { ("topNtask0", "failure", 3), ("topNtask1", "success", 0) }, parts[0].Select(o => (o.Text("TaskId")!, o.Text("Result")!, (int)o.Get("ExitCode")!)).Order());
        Assert.Equal(("topNtask1", "good.txt", "completed"), (Assert.Single(parts[1]).Text("TaskId"), parts[1][0].Text("InputBlobName"), parts[1][0].Text("State")));
        Assert.Equal(("topNtask0", "FailureExitCode"), (Assert.Single(parts[2]).Text("TaskId"), parts[2][0].Text("FailureCode")));
    }

    [Fact]
    public void Get_BwJob_and_Get_BwTask_of_a_missing_job_are_ObjectNotFound()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var missing = LocalStackFixture.NewBatchId("nojob");

        var job = session.Run("param($Id) Get-BwJob -Id $Id", new { Id = missing });
        var tasks = session.Run("param($Id) Get-BwTask -JobId $Id", new { Id = missing });

        ErrorAssert.Is(job.SingleError(), "BatchJobNotFound", "GetBwJobCommand", ErrorCategory.ObjectNotFound, missing);
        ErrorAssert.Is(tasks.SingleError(), "BatchJobNotFound", "GetBwTaskCommand", ErrorCategory.ObjectNotFound, missing);
    }

    /// <summary>Output split at the '--' markers a script wrote between its parts.</summary>
    internal static List<List<PSObject>> Split(IEnumerable<PSObject> output)
    {
        var parts = new List<List<PSObject>> { new() };
        foreach (var o in output)
        {
            if (o.BaseObject is "--") parts.Add(new List<PSObject>());
            else parts[^1].Add(o);
        }
        return parts;
    }
}
