using System.Text.RegularExpressions;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// The Batch format views (BatchWords.Batch.Format.ps1xml: BwPool, BwJob, BwTask, BwTutorialResult) as
/// Out-Default renders them to a host: no error, the columns, a row per object, and no SAS or key text.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed partial class BatchFormatViewTests(LocalStackFixture stack) : IDisposable
{
    private readonly BatchResources _made = new(stack, "batchfmt");

    public void Dispose() => _made.Dispose();

    [GeneratedRegex(@"sig=|sv=|se=|sp=|AccountKey|SharedKey", RegexOptions.IgnoreCase)]
    private static partial Regex SecretMarkers();

    private static string[] Header(ScriptResult result, string firstColumn)
    {
        var header = result.HostLines.Select(l => l.Text).FirstOrDefault(t => t.StartsWith(firstColumn + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No table header starting with '{firstColumn}'.\n{result.HostText}");
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void AssertClean(ScriptResult result, string key)
    {
        result.AssertSucceeded();
        Assert.DoesNotMatch(SecretMarkers(), result.HostText);
        Assert.DoesNotContain(key, result.HostText);
        Assert.DoesNotContain(result.HostLines, l => l.Kind == HostLineKind.Error);
    }

    [Fact]
    public void Pools_jobs_and_tasks_render_as_tables_without_SAS_or_key_text()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job, app, input, output) = (_made.Pool("fmt"), _made.Job("fmt"), _made.Container("app"), _made.Container("in"), _made.Container("out"));
        var worker = FakeWorker.Write(_made.Temp);
        var files = new[] { _made.Input("ok.txt", "ok"), _made.Input("no.txt", "exit 3") };
        session.Run("""
            param($Files, $Pool, $Job, $App, $In, $Out, $Program)
            $null = New-BwPool -Id $Pool -NodeCount 1 -Program $Program -ApplicationContainer $App
            $null = New-BwContainer $In, $Out
            $null = $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out | Wait-BwTask -ErrorAction SilentlyContinue
            """, new { Files = files, Pool = pool, Job = job, App = app, In = input, Out = output, Program = worker.Path });
        Eventually.True(() => stack.Batch.Nodes(pool) is [{ State: "idle" }], "the node idle");

        var pools = session.RunToHost("param($Id) Get-BwPool -Id $Id", new { Id = pool });
        var jobs = session.RunToHost("param($Id) Get-BwJob -Id $Id", new { Id = job });
        var tasks = session.RunToHost("param($Id) Get-BwTask -JobId $Id", new { Id = job });

        AssertClean(pools, stack.BatchAccountKey);
        Assert.Equal(new[] { "Id", "State", "Allocation", "Nodes", "Slots", "VmSize", "NodeStates", "Provisioning" }, Header(pools, "Id"));
        Assert.Contains(pools.HostLines, l => Regex.IsMatch(l.Text, $@"^{pool}\s+active\s+steady\s+1/1\s+1\s+standard_d2s_v3\s+idle=1\s+Existing$"));

        AssertClean(jobs, stack.BatchAccountKey);
        Assert.Equal(new[] { "Id", "State", "PoolId", "Active", "Running", "Succeeded", "Failed" }, Header(jobs, "Id"));
        Assert.Contains(jobs.HostLines, l => Regex.IsMatch(l.Text, $@"^{job}\s+active\s+{pool}\s+0\s+0\s+1\s+1$"));

        AssertClean(tasks, stack.BatchAccountKey);
        Assert.Equal(new[] { "JobId", "TaskId", "State", "Result", "ExitCode", "Input", "Output" }, Header(tasks, "JobId"));
        Assert.Contains(tasks.HostLines, l => Regex.IsMatch(l.Text, $@"^{job}\s+topNtask0\s+completed\s+failure\s+3\s+no\.txt\s+{output}/no_OUTPUT\.txt$"));
        Assert.Contains(tasks.HostLines, l => Regex.IsMatch(l.Text, $@"^{job}\s+topNtask1\s+completed\s+success\s+0\s+ok\.txt\s+{output}/ok_OUTPUT\.txt$"));
    }

    [Fact]
    public void Tutorial_results_render_as_a_table_of_top_words()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        _made.Also(containers: TutorialTests.TutorialContainers);
        var (pool, job) = (_made.Pool("fmttut"), _made.Job("fmttut"));
        var results = session.Run("param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination",
            new { Data = Path.Combine(BuiltModule.TutorialDataDirectory, "*.txt"), Pool = pool, Job = job, Destination = _made.Temp.Combine("out") }).AssertSucceeded();

        var rendered = session.RunToHost("param($Results) $Results", new { Results = results.Output.ToArray() });

        AssertClean(rendered, stack.BatchAccountKey);
        Assert.Equal(new[] { "TaskId", "Input", "Succeeded", "ExitCode", "TopWords" }, Header(rendered, "TaskId"));
        Assert.Contains(rendered.HostLines, l => Regex.IsMatch(l.Text, @"^topNtask0\s+taskdata1\.txt\s+True\s+0\s+to 18, and 17, you 14$"));
        Assert.Contains(rendered.HostLines, l => Regex.IsMatch(l.Text, @"^topNtask1\s+taskdata2\.txt\s+True\s+0\s+Storage 11, for 8, data 7$"));
        Assert.Contains(rendered.HostLines, l => Regex.IsMatch(l.Text, @"^topNtask2\s+taskdata3\.txt\s+True\s+0\s+the 10, of 8, and 6$"));
    }
}
