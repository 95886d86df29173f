using System.Diagnostics;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// tests/TestSupport.ps1, the helpers every Pester suite dot-sources, run here through the engine (it uses only
/// core cmdlets and .NET for that), so a broken helper fails CI instead of waiting for a machine with Pester.
/// The helpers that change the process's BATCHWORDS_HOME (Use-TestHome and the stop at the end) are left to
/// the Pester runs: this assembly's tests share that variable.
/// </summary>
public sealed class TestSupportScriptTests : IDisposable
{
    private static readonly string Support = Path.Combine(BuiltModule.RepositoryRoot, "tests", "TestSupport.ps1");
    private readonly TempDirectory _drive = new("testsupport");

    public void Dispose() => _drive.Dispose();

    /// <summary>
    /// Runs <paramref name="script"/> (no param block: <paramref name="parameters"/> arrive as variables) after
    /// dot-sourcing the helpers, with $TestDrive set as Pester sets it.
    /// </summary>
    private ScriptResult Run(string script, object? parameters = null)
    {
        using var session = PowerShellSession.StartWithoutModule();
        var values = new Dictionary<string, object?> { ["Support"] = Support, ["Drive"] = _drive.Path };
        foreach (var property in parameters?.GetType().GetProperties() ?? Array.Empty<System.Reflection.PropertyInfo>())
            values[property.Name] = property.GetValue(parameters);
        var header = "param(" + string.Join(", ", values.Keys.Select(k => "$" + k)) + ")\n$TestDrive = $Drive\n. $Support\n";
        return session.Run(header + script, values);
    }

    [Fact]
    public void It_finds_the_built_module_and_the_tutorial_data()
    {
        var result = Run("Get-TestModuleManifest; Get-TestTutorialData").AssertSucceeded();

        Assert.Equal(new[] { BuiltModule.ManifestPath, BuiltModule.TutorialDataDirectory }, result.Output.Select(o => (string)o.BaseObject));
    }

    [Fact]
    public void Ids_are_unique_and_of_the_asked_length()
    {
        var ids = Run("New-TestId pool; New-TestId pool; New-TestId box -Length 16").AssertSucceeded().Output.Select(o => (string)o.BaseObject).ToList();

        Assert.Matches("^pool-[0-9a-f]{12}$", ids[0]);
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Matches("^box-[0-9a-f]{16}$", ids[2]);
    }

    [Fact]
    public void An_input_is_a_FileInfo_under_TestDrive_with_exactly_its_content()
    {
        var file = (FileInfo)Assert.Single(Run("New-TestInput 'a.txt' 'exit 3'").AssertSucceeded().Output).BaseObject;

        Assert.Equal(Path.Combine(_drive.Path, "inputs", "a.txt"), file.FullName);
        Assert.Equal("exit 3", File.ReadAllText(file.FullName));
    }

    [Fact]
    public void The_fake_worker_is_the_shared_script_and_runs_as_the_engine_tests_expect()
    {
        var worker = Assert.Single(Run("New-FakeWorker -Name batchwords-worker").AssertSucceeded().Output);
        var (path, pids) = (worker.Text("Path"), worker.Text("Pids"));

        Assert.Equal("batchwords-worker", Path.GetFileName(path));
        Assert.True(Directory.Exists(pids));
        // The same program the engine tests install (FakeWorker.cs), with the same pid directory filled in.
        using var sharedDirectory = new TempDirectory("shared-fake");
        var shared = FakeWorker.Write(sharedDirectory, "batchwords-worker");
        Assert.Equal(File.ReadAllText(shared.Path).Replace(shared.PidDirectory, pids, StringComparison.Ordinal), File.ReadAllText(path));

        var work = _drive.Combine("wd");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "good.txt"), "hello");
        File.WriteAllText(Path.Combine(work, "bad.txt"), "exit 3");
        var (goodExit, _) = Execute(path, work, "good.txt");
        var (badExit, badError) = Execute(path, work, "bad.txt");

        Assert.Equal(0, goodExit);
        Assert.StartsWith("Word\tCount\n------------------------------\nhello:\t1\n", File.ReadAllText(Path.Combine(work, "good_OUTPUT.txt")));
        Assert.Equal(3, badExit);
        Assert.Contains("bad.txt asks for exit code 3", badError);
    }

    [Fact]
    public void Wait_Until_returns_once_true_and_names_what_it_waited_for_at_the_limit()
    {
        var ok = Run("$script:n = 0; Wait-Until { (++$script:n) -ge 3 } 'three polls'; $script:n").AssertSucceeded();
        var late = Run("Wait-Until { $false } 'the impossible' -TimeoutSeconds 1");

        Assert.Equal(3, (int)Assert.Single(ok.Output).BaseObject);
        Assert.Contains("Not true within 1 s: the impossible", late.Terminating?.Message ?? string.Join("\n", late.AllErrors().Select(e => e.ToString())));
    }

    [Fact]
    public void Test_ProcessAlive_tells_a_running_process_from_an_exited_one()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!;
        using var done = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        done.WaitForExit();
        try
        {
            var result = Run("Test-ProcessAlive $Running; Test-ProcessAlive $Exited", new { Running = sleeper.Id, Exited = done.Id }).AssertSucceeded();

            Assert.Equal(new[] { true, false }, result.Output.Select(o => (bool)o.BaseObject));
        }
        finally { sleeper.Kill(); }
    }

    private static (int ExitCode, string StandardError) Execute(string program, string directory, string input)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--filepath", input, "--numwords", "3" }) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }
}
