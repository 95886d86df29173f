using System.Diagnostics;

namespace BatchWords.Worker.Tests.Infrastructure;

/// <summary>What a run of the real worker program did.</summary>
public sealed record WorkerRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the real built worker as a child process. Always the framework-dependent build next to the tests
/// (<c>dotnet batchwords-worker.dll</c>, which the project reference copies here); also the NativeAOT binary when one is
/// known: <c>BATCHWORDS_WORKER</c> names it, or the module that build.ps1 assembled (<c>BATCHWORDS_MODULE_PATH</c>)
/// holds it under payload/linux-x64. A plain <c>dotnet test</c> has no native binary, and that is fine.
/// </summary>
public sealed class WorkerProcess
{
    private readonly string _fileName;
    private readonly string[] _prefix;

    private WorkerProcess(string name, string fileName, params string[] prefix) => (Name, _fileName, _prefix) = (name, fileName, prefix);

    public string Name { get; }

    public override string ToString() => Name;

    public static IEnumerable<WorkerProcess> Available()
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        yield return new WorkerProcess("dotnet batchwords-worker.dll", dotnet, Path.Combine(AppContext.BaseDirectory, "batchwords-worker.dll"));
        string? native = NativeBinary();
        if (native is not null) yield return new WorkerProcess("native " + native, native);
    }

    private static string? NativeBinary()
    {
        if (Environment.GetEnvironmentVariable("BATCHWORDS_WORKER") is { Length: > 0 } explicitPath) return explicitPath;
        if (Environment.GetEnvironmentVariable("BATCHWORDS_MODULE_PATH") is { Length: > 0 } module)
        {
            string candidate = Path.Combine(module, "payload", "linux-x64", "batchwords-worker");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public WorkerRun Run(string workingDirectory, IDictionary<string, string?>? environment, params string[] arguments) =>
        Run(workingDirectory, environment, started: null, arguments);

    /// <summary>Runs the worker and samples its anonymous memory (<see cref="AnonymousMemorySampler"/>) until it exits.</summary>
    public (WorkerRun Run, long PeakRssAnonBytes, int Samples) RunMeasuringAnonymousMemory(string workingDirectory, params string[] arguments)
    {
        AnonymousMemorySampler? sampler = null;
        WorkerRun run;
        try
        {
            run = Run(workingDirectory, null, process => sampler = AnonymousMemorySampler.Start(process.Id), arguments);
        }
        finally
        {
            sampler?.Stop();
        }
        sampler!.ThrowIfFailed();
        return (run, sampler.PeakBytes, sampler.Samples);
    }

    private WorkerRun Run(string workingDirectory, IDictionary<string, string?>? environment, Action<Process>? started, string[] arguments)
    {
        var start = new ProcessStartInfo(_fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in _prefix.Concat(arguments)) start.ArgumentList.Add(a);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("AZ_BATCH_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name); // the tests decide which Batch variables the worker sees
        }
        if (environment is not null)
        {
            foreach ((string name, string? value) in environment) start.Environment[name] = value;
        }
        using Process process = Process.Start(start)!;
        started?.Invoke(process);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} did not exit within 2 minutes");
        }
        return new WorkerRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
