using System.Diagnostics;
using Xunit;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// Runs a script in a FRESH process with our console host (bwsh, src/BatchWords.ScriptHost): the only place a
/// clean default AssemblyLoadContext exists, so dependency loading can be seen as a user's session sees it.
/// The child inherits BATCHWORDS_HOME (so it reuses the run's local stack); stdin is closed, so a prompt takes
/// its default instead of waiting.
/// </summary>
public static class ScriptHostProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public IReadOnlyList<string> OutputLines => StandardOutput.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
    }

    /// <summary>Writes <paramref name="scriptText"/> to a .ps1 file and runs it as 'bwsh script.ps1 args...'.</summary>
    public static Result Run(string scriptText, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        using var temp = new TempDirectory("bwsh");
        var script = temp.Write("script.ps1", scriptText);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = temp.Path,
        };
        start.ArgumentList.Add(BuiltModule.ScriptHostPath);
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(PowerShellSession.HangTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"bwsh did not finish within {PowerShellSession.HangTimeout} and was killed.\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
