using System.Text.Json;
using System.Web;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// Every Batch cmdlet, and Invoke-BwTutorial, run with -Verbose shows neither the emulator's account key
/// ($BATCHWORDS_HOME/local/batch-emulator.key) nor any SAS signature the run issued (the start task's read SAS
/// of the program, each task's read SAS of its input, the output container's write SAS) in any stream, output
/// object or host line. The signatures are read afterwards from the service, through the independent probe.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class BatchSecretHygieneTests(LocalStackFixture stack) : IDisposable
{
    private readonly BatchResources _made = new(stack, "batchsecrets");

    public void Dispose() => _made.Dispose();

    private static string Signature(string? url) => HttpUtility.ParseQueryString(new Uri(url!).Query)["sig"]
        ?? throw new Xunit.Sdk.XunitException($"No signature in {url}");

    /// <summary>The key and every SAS signature the service holds for the pool and the job's tasks (plain and URL-escaped).</summary>
    private List<string> Secrets(string pool, string job, params string[] taskIds)
    {
        var signatures = new List<string>
        {
            Signature(stack.Batch.GetPool(pool)!.Value.GetProperty("startTask").GetProperty("resourceFiles")[0].GetProperty("httpUrl").GetString()),
        };
        foreach (var id in taskIds)
        {
            var task = stack.Batch.GetTask(job, id)!.Value;
            signatures.Add(Signature(task.GetProperty("resourceFiles")[0].GetProperty("httpUrl").GetString()));
            signatures.Add(Signature(task.GetProperty("outputFiles")[0].GetProperty("destination").GetProperty("container").GetProperty("containerUrl").GetString()));
        }
        return signatures.Concat(signatures.Select(Uri.EscapeDataString)).Append(stack.BatchAccountKey).Append(LocalStackFixture.DevelopmentAccountKey).Distinct().ToList();
    }

    [Fact]
    public void Batch_cmdlets_with_Verbose_show_no_key_and_no_SAS_signature()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost());
        var (pool, job, app, input, output) = (_made.Pool("secret"), _made.Job("secret"), _made.Container("app"), _made.Container("in"), _made.Container("out"));
        var worker = FakeWorker.Write(_made.Temp);
        var files = new[] { _made.Input("fine.txt", "fine"), _made.Input("fails.txt", "exit 3") };
        var args = new { Files = files, Pool = pool, Job = job, App = app, In = input, Out = output, Program = worker.Path, Destination = _made.Temp.Combine("out") };

        var work = session.Run("""
            param($Files, $Pool, $Job, $App, $In, $Out, $Program, $Destination)
            $pool = New-BwPool -Id $Pool -NodeCount 1 -Program $Program -ApplicationContainer $App -Verbose
            $pool
            New-BwPool -Id $Pool -Program $Program -ApplicationContainer $App -Verbose
            $null = New-BwContainer $In, $Out
            $tasks = $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $pool -OutputContainer $Out -Verbose
            $tasks
            $done = $tasks | Wait-BwTask -Verbose
            $done
            $done | Receive-BwOutput -Destination $Destination -Verbose -ErrorAction SilentlyContinue
            Get-BwPool -Id $Pool -Verbose
            Get-BwJob -Id $Job -Verbose
            Get-BwTask -JobId $Job -Verbose
            $done | Get-BwTaskLog -Verbose
            $done | Get-BwTaskLog -Stream stderr -Verbose
            Remove-BwContainer $App -Confirm:$false -Verbose
            """, args);
        var secrets = Secrets(pool, job, "topNtask0", "topNtask1");
        var views = session.RunToHost("param($Pool, $Job) Get-BwPool -Id $Pool; Get-BwJob -Id $Job; Get-BwTask -JobId $Job", args);
        var removal = session.Run("param($Pool, $Job) Remove-BwJob $Job -Force -Verbose; Remove-BwPool $Pool -Force -Verbose", args).AssertSucceeded();

        // What ran: the failed task's error (with its stderr) and the guarded container are part of what is checked.
        Assert.Contains(work.AllErrors(), e => e.FullyQualifiedErrorId.StartsWith("TaskFailed,", StringComparison.Ordinal));
        Assert.Contains(work.AllErrors(), e => e.FullyQualifiedErrorId.StartsWith("ContainerUsedByPool,", StringComparison.Ordinal));
        Assert.True(work.Verbose.Count > 10 && removal.Verbose.Count >= 2);
        Assert.True(secrets.Count >= 7, string.Join("\n", secrets)); // 5 signatures (and their escaped forms), the emulator's and Azurite's keys
        foreach (var result in new[] { work, views, removal })
        {
            result.AssertNoSecret(secrets);
            result.AssertNoSecret("sig=");
        }
    }

    [Fact]
    public void Invoke_BwTutorial_with_Verbose_shows_no_key_and_no_SAS_signature()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost());
        _made.Also(containers: TutorialTests.TutorialContainers);
        var (pool, job) = (_made.Pool("tutsecret"), _made.Job("tutsecret"));

        var run = session.Run("param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination -KeepPool -KeepJob -Verbose",
            new { Data = Path.Combine(BuiltModule.TutorialDataDirectory, "*.txt"), Pool = pool, Job = job, Destination = _made.Temp.Combine("out") }).AssertSucceeded();

        var secrets = Secrets(pool, job, "topNtask0", "topNtask1", "topNtask2");
        Assert.Equal(3, run.Output.Count);
        Assert.True(run.Verbose.Count > 10);
        run.AssertNoSecret(secrets);
        run.AssertNoSecret("sig=");
    }
}
