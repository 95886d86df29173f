using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

namespace BatchWords.ScriptHost;

/// <summary>
/// Runs one script the way <c>pwsh -File script.ps1 args...</c> does: arguments bind to the script's
/// parameters, errors are rendered, Ctrl+C stops the pipeline, and the exit code follows
/// <c>exit N</c>, then <c>$LASTEXITCODE</c>, then whether an error was written.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "-?")
        {
            Console.Error.WriteLine("usage: bwsh <script.ps1> [script arguments...]   |   bwsh -Command '<script text>'");
            return 2;
        }

        var host = new ConsoleHost();
        var state = InitialSessionState.CreateDefault2();
        PolyfillCmdlets.AddTo(state);
        if (OperatingSystem.IsWindows()) state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;

        using var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;

        // Redirected output (CI logs, files) gets no ANSI colour codes, as in pwsh.
        if (Console.IsOutputRedirected)
        {
            ps.AddScript("$PSStyle.OutputRendering = 'PlainText'").Invoke();
            ps.Commands.Clear();
        }

        string text = args[0].Equals("-Command", StringComparison.OrdinalIgnoreCase) && args.Length > 1
            ? string.Join(' ', args.Skip(1))
            : BuildInvocation(args[0], args.Skip(1));

        ps.AddScript(text);
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand("Out-Default");

        Console.CancelKeyPress += (_, e) => { e.Cancel = true; ps.BeginStop(null, null); };

        try
        {
            ps.Invoke();
        }
        catch (PipelineStoppedException)
        {
            return 130;
        }
        catch (RuntimeException ex)
        {
            host.UI.WriteErrorLine(ex.ErrorRecord?.ToString() ?? ex.Message);
            return host.ShouldExit ? host.ExitCode : 1;
        }

        if (host.ShouldExit) return host.ExitCode;
        ps.Commands.Clear();
        var last = ps.AddScript("$global:LASTEXITCODE").Invoke();
        if (last.Count == 1 && last[0]?.BaseObject is int code && code != 0) return code;
        return ps.HadErrors ? 1 : 0;
    }

    /// <summary>
    /// Turns <c>script.ps1 -Task Test -Force pos</c> into <c>&amp; 'script.ps1' -Task 'Test' -Force 'pos'</c>:
    /// parameter names stay names, every other argument becomes a single-quoted literal, as with pwsh -File.
    /// </summary>
    private static string BuildInvocation(string script, IEnumerable<string> args)
    {
        var full = Path.GetFullPath(script);
        var sb = new StringBuilder("& ").Append(Quote(full));
        foreach (var arg in args)
        {
            sb.Append(' ');
            if (arg.Length > 1 && arg[0] == '-' && (char.IsLetter(arg[1]) || arg[1] == '_') && arg.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ':'))
                sb.Append(arg);
            else
                sb.Append(Quote(arg));
        }
        return sb.ToString();
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''") + "'";
}
