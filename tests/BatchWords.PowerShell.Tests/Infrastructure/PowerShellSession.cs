using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// One runspace of the real engine (InitialSessionState.CreateDefault2, so only the Microsoft.PowerShell.Core
/// cmdlets exist: scripts use the language, ForEach-Object, Where-Object and .NET calls) with a
/// <see cref="TestHost"/>, the built module imported by its manifest path, and $PSStyle.OutputRendering set
/// to PlainText. Use one per test. <see cref="Run"/> runs a script with named parameters and returns the
/// output objects together with every stream and what reached the host.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    /// <summary>A guard against a hung pipeline (the run is stopped and the test fails); not a timing assertion.</summary>
    public static readonly TimeSpan HangTimeout = TimeSpan.FromMinutes(2);

    private readonly Runspace _runspace;

    private PowerShellSession(TestHost? host, bool importModule)
    {
        Host = host;
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows()) state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        _runspace = host is null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
        Run("$PSStyle.OutputRendering = 'PlainText'").AssertSucceeded();
        if (importModule)
        {
            ImportResult = Run("param($Path) Import-Module -Name $Path -PassThru -ErrorAction Stop", new { Path = BuiltModule.ManifestPath });
            ImportResult.AssertSucceeded();
            Module = (PSModuleInfo)Assert.Single(ImportResult.Output).BaseObject;
        }
    }

    /// <summary>A session with the module imported and a scripted host (pass one to queue prompt answers).</summary>
    public static PowerShellSession Start(TestHost? host = null) => new(host ?? new TestHost(), importModule: true);

    /// <summary>A session with the scripted host and nothing imported (for Import-Module and Test-ModuleManifest tests).</summary>
    public static PowerShellSession StartWithoutModule(TestHost? host = null) => new(host ?? new TestHost(), importModule: false);

    /// <summary>
    /// The module imported in a runspace with no host of ours: the engine's default host, which cannot prompt
    /// (what unattended automation gets).
    /// </summary>
    public static PowerShellSession StartWithoutHost() => new(null, importModule: true);

    /// <summary>A session whose current context is the test run's local stack (no new connection is made).</summary>
    public static PowerShellSession ConnectedTo(LocalStackFixture stack, TestHost? host = null)
    {
        var session = Start(host);
        session.Run("param($Context) $null = Connect-BwAccount -Context $Context", new { stack.Context }).AssertSucceeded();
        return session;
    }

    /// <summary>The scripted host; null for <see cref="StartWithoutHost"/>.</summary>
    public TestHost? Host { get; }

    /// <summary>The imported BatchWords module (null when started without it).</summary>
    public PSModuleInfo? Module { get; private set; }

    /// <summary>The Import-Module run (its warnings are the unapproved-verb check).</summary>
    public ScriptResult? ImportResult { get; private set; }

    /// <summary>
    /// Runs <paramref name="script"/> (a script block body; declare param() for the parameters) with the named
    /// <paramref name="parameters"/> (an IDictionary or an anonymous object). Non-terminating errors are
    /// collected, a terminating one is returned in <see cref="ScriptResult.Terminating"/>. Fails the test when
    /// the host was prompted with no answer queued or asked to read input.
    /// </summary>
    public ScriptResult Run(string script, object? parameters = null) => Invoke(script, parameters, toHost: false);

    /// <summary>Like <see cref="Run"/>, but the output goes through Out-Default to the host (format views).</summary>
    public ScriptResult RunToHost(string script, object? parameters = null) => Invoke(script, parameters, toHost: true);

    /// <summary>
    /// Runs <paramref name="script"/> and, once <paramref name="stopWhen"/> holds (checked every 100 ms while the
    /// script runs), stops the pipeline with PowerShell.Stop(), as Ctrl+C does in a console host. Fails the test
    /// when the script ends before it is stopped. The result's <see cref="ScriptResult.Terminating"/> is then the
    /// PipelineStoppedException.
    /// </summary>
    public ScriptResult RunAndStop(string script, object? parameters, Func<bool> stopWhen)
        => Invoke(script, parameters, toHost: false, stopWhen);

    private ScriptResult Invoke(string script, object? parameters, bool toHost, Func<bool>? stopWhen = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var (name, value) in Parameters(parameters)) ps.AddParameter(name, value);
        if (toHost) ps.AddCommand("Out-Default");

        var mark = Host?.Recorder.Mark() ?? default;
        var input = new PSDataCollection<PSObject>();
        input.Complete();
        var output = new PSDataCollection<PSObject>();
        var pending = ps.BeginInvoke(input, output);
        RuntimeException? terminating = null;
        if (stopWhen is not null)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!stopWhen())
            {
                if (pending.AsyncWaitHandle.WaitOne(TimeSpan.FromMilliseconds(100)))
                {
                    try { ps.EndInvoke(pending); } catch (RuntimeException) { }
                    Assert.Fail($"The script ended before the condition to stop it held:\n{script}\n{string.Join("\n", ps.Streams.Error)}");
                }
                if (clock.Elapsed > HangTimeout)
                {
                    ps.Stop();
                    Assert.Fail($"The condition to stop the script did not hold within {HangTimeout}; the script was stopped:\n{script}");
                }
            }
            // BeginStop, so a pipeline that does not stop fails the test instead of hanging it.
            var stopping = ps.BeginStop(null, null);
            if (!stopping.AsyncWaitHandle.WaitOne(HangTimeout))
                Assert.Fail($"The pipeline did not stop within {HangTimeout} of PowerShell.Stop():\n{script}");
            ps.EndStop(stopping);
        }
        if (!pending.AsyncWaitHandle.WaitOne(HangTimeout))
        {
            ps.Stop();
            Assert.Fail($"The script did not finish within {HangTimeout} and was stopped:\n{script}");
        }
        try { ps.EndInvoke(pending); }
        catch (RuntimeException e) { terminating = e; }

        var result = new ScriptResult(script, output.ToList(), ps.Streams.Error.ToList(), ps.Streams.Warning.ToList(),
            ps.Streams.Verbose.ToList(), ps.Streams.Debug.ToList(), ps.Streams.Information.ToList(), ps.Streams.Progress.ToList(),
            terminating, ps.HadErrors,
            Host?.Recorder.LinesSince(mark) ?? Array.Empty<HostLine>(),
            Host?.Recorder.PromptsSince(mark) ?? Array.Empty<HostPrompt>(),
            Host?.Recorder.ProgressSince(mark) ?? Array.Empty<ProgressRecord>());

        var unexpected = Host?.Recorder.UnexpectedSince(mark) ?? Array.Empty<string>();
        if (unexpected.Count > 0)
            Assert.Fail($"The host was asked for input it was not given:\n  {string.Join("\n  ", unexpected)}\n{result.Describe()}");
        return result;
    }

    private static IEnumerable<(string, object?)> Parameters(object? parameters)
    {
        switch (parameters)
        {
            case null: yield break;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary) yield return ((string)entry.Key, entry.Value);
                yield break;
            default:
                foreach (var property in parameters.GetType().GetProperties())
                    yield return (property.Name, property.GetValue(parameters));
                yield break;
        }
    }

    public void Dispose() => _runspace.Dispose();
}
