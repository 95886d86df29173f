using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>Get-BwTaskLog: a task's stdout.txt and stderr.txt from its node, by id or piped from BwTask objects.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class TaskLogTests(LocalStackFixture stack) : IDisposable
{
    private const string Cmdlet = "GetBwTaskLogCommand";
    private readonly BatchResources _made = new(stack, "logs");

    public void Dispose() => _made.Dispose();

    /// <summary>Runs a job of the fake worker on <paramref name="inputs"/> to completion on a one-node pool; returns the session and the job id.</summary>
    private (PowerShellSession Session, string Job) RunJob(int nodes, bool wait, params (string Name, string Content)[] inputs)
    {
        var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job, app, input, output) = (_made.Pool("logs"), _made.Job("logs"), _made.Container("app"), _made.Container("in"), _made.Container("out"));
        var worker = FakeWorker.Write(_made.Temp);
        var files = inputs.Select(i => _made.Input(i.Name, i.Content)).ToArray();
        session.Run($$"""
            param($Files, $Pool, $Job, $App, $Program, $Nodes, $In, $Out)
            $null = New-BwPool -Id $Pool -NodeCount $Nodes -Program $Program -ApplicationContainer $App
            $null = New-BwContainer $In, $Out
            $tasks = $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out
            {{(wait ? "$null = $tasks | Wait-BwTask -Timeout 00:01:00 -ErrorAction SilentlyContinue" : "")}}
            """, new { Files = files, Pool = pool, Job = job, App = app, Program = worker.Path, Nodes = nodes, In = input, Out = output }).AssertSucceeded();
        return (session, job);
    }

    [Fact]
    public void Reads_stdout_by_default_and_stderr_with_Stream_stderr()
    {
        var (session, job) = RunJob(1, wait: true, ("bad.txt", "exit 3"));
        using var _ = session;

        var result = session.Run("""
            param($Job)
            Get-BwTaskLog -JobId $Job -TaskId topNtask0
            Get-BwTaskLog -JobId $Job -TaskId topNtask0 -Stream stdout
            Get-BwTaskLog -JobId $Job -TaskId topNtask0 -Stream STDERR
            """, new { Job = job }).AssertSucceeded();

        var texts = result.Output.Select(o => (string)o.BaseObject).ToList();
        Assert.Equal(3, texts.Count);
        Assert.StartsWith($"fake-worker: task topNtask0 read bad.txt (top 3) on ", texts[0]);
        Assert.Equal(texts[0], texts[1]);
        Assert.Equal("fake-worker: bad.txt asks for exit code 3\n", texts[2]);
    }

    [Fact]
    public void Tasks_from_Wait_BwTask_or_Get_BwTask_pipe_in_by_property_name()
    {
        var (session, job) = RunJob(2, wait: false, ("a.txt", "a"), ("b.txt", "exit 4"));
        using var _ = session;

        var result = session.Run("""
            param($Job)
            Wait-BwTask -JobId $Job -ErrorAction SilentlyContinue | Get-BwTaskLog -Stream stderr
            '--'
            Get-BwTask -JobId $Job | Get-BwTaskLog
            """, new { Job = job }).AssertSucceeded();

        var parts = JobTests.Split(result.Output);
        Assert.Equal(new[] { "", "fake-worker: b.txt asks for exit code 4\n" }, parts[0].Select(o => (string)o.BaseObject).Order(StringComparer.Ordinal));
        Assert.Equal(2, parts[1].Count);
        Assert.Contains(parts[1], o => ((string)o.BaseObject).StartsWith("fake-worker: task topNtask0 read a.txt", StringComparison.Ordinal));
        Assert.Contains(parts[1], o => ((string)o.BaseObject).StartsWith("fake-worker: task topNtask1 read b.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void A_task_that_has_not_run_has_no_log_yet_and_a_missing_task_is_ObjectNotFound()
    {
        // No node, so the task waits: it has not run anywhere and has no files.
        var (session, job) = RunJob(0, wait: false, ("waiting.txt", "w"));
        using var _ = session;

        var waiting = session.Run("param($Job) Get-BwTaskLog -JobId $Job -TaskId topNtask0", new { Job = job });
        var missing = session.Run("param($Job) Get-BwTaskLog -JobId $Job -TaskId nosuchtask", new { Job = job });

        var error = waiting.SingleError();
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("Wait-BwTask", error.ErrorDetails.RecommendedAction);
        ErrorAssert.Is(missing.SingleError(), "BatchTaskNotFound", Cmdlet, ErrorCategory.ObjectNotFound, "nosuchtask");
    }

    [Fact]
    public void Stream_takes_only_stdout_or_stderr()
    {
        using var session = PowerShellSession.ConnectedTo(stack);

        var result = session.Run("Get-BwTaskLog -JobId j -TaskId t -Stream fileuploaderr");

        Assert.Equal("ParameterArgumentValidationError", result.SingleError().FullyQualifiedErrorId.Split(',')[0]);
    }
}
