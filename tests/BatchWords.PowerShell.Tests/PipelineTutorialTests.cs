using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// The tutorial's steps 3 to 7 composed by hand from the cmdlets, as the README shows them, in one pipeline:
/// containers, upload, pool, job, wait, download. Only Get-ChildItem is replaced (not in the hosted engine).
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class PipelineTutorialTests(LocalStackFixture stack) : IDisposable
{
    private readonly BatchResources _made = new(stack, "pipeline");

    public void Dispose() => _made.Dispose();

    [Fact]
    public void The_README_pipeline_downloads_the_golden_outputs()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        _made.Also(containers: TutorialTests.TutorialContainers);
        var (pool, job) = (_made.Pool("words"), _made.Job("words"));
        var here = _made.Temp.Combine("cwd");
        Directory.CreateDirectory(here);

        var result = session.Run("""
            param($Data, $Pool, $Job, $Here)
            $null = $ExecutionContext.SessionState.Path.SetLocation($Here)
            $files = [IO.DirectoryInfo]::new($Data).GetFiles('*.txt')

            New-BwContainer application, input, output
            $files | Publish-BwInput -Container input |
              Start-BwJob -JobId $Job -Pool (New-BwPool -Id $Pool -NodeCount 2) -Top 3 |
              Wait-BwTask -Timeout 00:20:00 | Receive-BwOutput -Destination ./out
            """, new { Data = BuiltModule.TutorialDataDirectory, Pool = pool, Job = job, Here = here }).AssertSucceeded();

        Assert.Equal(new[] { "application", "input", "output" }, result.Output.Take(3).Select(o => o.Text("Name")));
        var files = result.Output.Skip(3).Select(o => Assert.IsType<FileInfo>(o.BaseObject)).ToList();
        Assert.Equal(new[] { "taskdata1_OUTPUT.txt", "taskdata2_OUTPUT.txt", "taskdata3_OUTPUT.txt" }, files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Equal(Path.Combine(here, "out"), f.DirectoryName));
        var text = files.ToDictionary(f => f.Name, f => File.ReadAllText(f.FullName));
        Assert.StartsWith("Word\tCount\n------------------------------\nto:\t18\nand:\t17\nyou:\t14\n------------------------------\n", text["taskdata1_OUTPUT.txt"]);
        Assert.StartsWith("Word\tCount\n------------------------------\nStorage:\t11\nfor:\t8\ndata:\t7\n------------------------------\n", text["taskdata2_OUTPUT.txt"]);
        Assert.StartsWith("Word\tCount\n------------------------------\nthe:\t10\nof:\t8\nand:\t6\n------------------------------\n", text["taskdata3_OUTPUT.txt"]);
        Assert.Contains($"Job:  {job}\nPool: {pool}", text["taskdata1_OUTPUT.txt"]);
    }

    [Fact]
    public void In_the_same_pipeline_a_failed_task_is_an_error_and_the_other_outputs_still_download()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, job, app, input, output) = (_made.Pool("mixed"), _made.Job("mixed"), _made.Container("app"), _made.Container("in"), _made.Container("out"));
        var worker = FakeWorker.Write(_made.Temp);
        var files = new[] { _made.Input("fine.txt", "fine"), _made.Input("broken.txt", "exit 3") };
        var destination = _made.Temp.Combine("out");

        var result = session.Run("""
            param($Files, $Pool, $Job, $App, $In, $Out, $Program, $Destination)
            $null = New-BwContainer $App, $In, $Out
            $Files | Publish-BwInput -Container $In |
              Start-BwJob -JobId $Job -Pool (New-BwPool -Id $Pool -NodeCount 2 -Program $Program -ApplicationContainer $App) -OutputContainer $Out |
              Wait-BwTask | Receive-BwOutput -Destination $Destination
            """, new { Files = files, Pool = pool, Job = job, App = app, In = input, Out = output, Program = worker.Path, Destination = destination });

        // One error for the one failure: Receive-BwOutput is also handed the failed task, sees its result and
        // warns that it has no output instead of reporting the same failure again.
        var error = Assert.Single(result.AllErrors());
        Assert.Equal("TaskFailed,BatchWords.PowerShell.WaitBwTaskCommand", error.FullyQualifiedErrorId);
        Assert.Contains("exit code 3", error.Exception.Message);
        Assert.Contains("broken_OUTPUT.txt", Assert.Single(result.Warnings).Message);
        Assert.Equal("fine_OUTPUT.txt", Assert.IsType<FileInfo>(Assert.Single(result.Output).BaseObject).Name);
        Assert.False(File.Exists(Path.Combine(destination, "broken_OUTPUT.txt")));
    }
}
