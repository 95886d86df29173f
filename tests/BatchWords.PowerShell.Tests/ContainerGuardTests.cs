using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// The tutorial's known bug (azure-batch-samples#165): it deleted the containers while its pool lived on, so
/// nodes that started later failed their start task. Remove-BwContainer refuses to delete a container a live
/// pool's start task downloads from (or warns with -Force); and when it happens anyway, Wait-BwTask reports
/// the start task failure at once instead of waiting out its timeout.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class ContainerGuardTests(LocalStackFixture stack) : IDisposable
{
    private const string Cmdlet = "RemoveBwContainerCommand";
    private readonly BatchResources _made = new(stack, "guard");

    public void Dispose() => _made.Dispose();

    [Fact]
    public void A_container_a_live_pools_start_task_downloads_from_is_kept_unless_Force_which_warns()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app, other) = (_made.Pool("guard"), _made.Container("app"), _made.Container("other"));
        session.Run("param($Pool, $App, $Other) $null = New-BwPool -Id $Pool -NodeCount 0 -ApplicationContainer $App; $null = New-BwContainer $Other",
            new { Pool = pool, App = app, Other = other }).AssertSucceeded();

        var refused = session.Run("param($App, $Other) Remove-BwContainer $App, $Other -Confirm:$false", new { App = app, Other = other });
        Assert.True(stack.Storage.ContainerExists(app));
        Assert.False(stack.Storage.ContainerExists(other)); // not used by a start task: removed as usual
        var error = ErrorAssert.Is(refused.SingleError(), "ContainerUsedByPool", Cmdlet, ErrorCategory.InvalidOperation, app);
        Assert.Contains($"the start task of pool(s) '{pool}' downloads from it", error.Exception.Message);
        Assert.Equal($"Remove the pool first (Remove-BwPool -Id {pool}), or pass -Force to remove the container anyway.", error.ErrorDetails.RecommendedAction);

        var forced = session.Run("param($App) Remove-BwContainer $App -Force", new { App = app }).AssertSucceeded();
        Assert.False(stack.Storage.ContainerExists(app));
        Assert.Contains($"Container '{app}' is used by the start task of pool(s) '{pool}'", Assert.Single(forced.Warnings).Message);
    }

    [Fact]
    public void Once_the_pool_is_removed_its_container_is_removed_without_Force()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("after"), _made.Container("app"));
        session.Run("param($Pool, $App) $null = New-BwPool -Id $Pool -NodeCount 1 -ApplicationContainer $App", new { Pool = pool, App = app }).AssertSucceeded();

        var result = session.Run("param($Pool, $App) Remove-BwPool $Pool -Force; Remove-BwContainer $App -Confirm:$false", new { Pool = pool, App = app }).AssertSucceeded();

        Assert.Empty(result.Warnings);
        Assert.False(stack.Storage.ContainerExists(app));
    }

    [Fact]
    public void A_node_that_joins_after_its_container_was_removed_fails_its_start_task_and_Wait_BwTask_says_so()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job, app, input, output) = (_made.Pool("late"), _made.Job("late"), _made.Container("app"), _made.Container("in"), _made.Container("out"));
        var file = _made.Input("late.txt", "late");
        // The tutorial's order: the pool lives on while its application container goes...
        session.Run("param($Pool, $App) $null = New-BwPool -Id $Pool -NodeCount 0 -ApplicationContainer $App; Remove-BwContainer $App -Force -WarningAction SilentlyContinue",
            new { Pool = pool, App = app }).AssertSucceeded();
        // ...and then the pool grows (a resize in the portal, autoscale): the new node's start task cannot download the program.
        stack.Batch.ResizePool(pool, 1);

        var result = session.Run("""
            param($File, $Pool, $Job, $In, $Out)
            Publish-BwInput -Container (New-BwContainer $In).Name -Path $File | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out | Wait-BwTask -Timeout 00:05:00
            """, new { File = file, Pool = pool, Job = job, In = input, Out = output });

        Assert.Equal("starttaskfailed", Assert.Single(stack.Batch.Nodes(pool)).State);
        var error = ErrorAssert.Is(result.SingleError(), "StartTaskFailed", "WaitBwTaskCommand", ErrorCategory.InvalidResult, pool);
        Assert.Contains($"No node of pool '{pool}' can run tasks: the start task failed on 1 of 1 node(s)", error.Exception.Message);
        // Why it failed: the program's blob is gone; the message names it, but not its SAS signature.
        Assert.Contains(": BlobNotFound: ", error.Exception.Message);
        Assert.Contains($"/{app}/batchwords-worker", error.Exception.Message);
        Assert.StartsWith("The start task could not download the program from the pool's application container", error.ErrorDetails.RecommendedAction);
        var programUrl = stack.Batch.GetPool(pool)!.Value.GetProperty("startTask").GetProperty("resourceFiles")[0].GetProperty("httpUrl").GetString()!;
        var signature = System.Web.HttpUtility.ParseQueryString(new Uri(programUrl).Query)["sig"]!;
        result.AssertNoSecret(new[] { signature, Uri.EscapeDataString(signature) });
        Assert.Equal("active", stack.Batch.GetTask(job, "topNtask0")!.Value.GetProperty("state").GetString());
    }
}
