using System.Diagnostics;

namespace BatchWords;

/// <summary>
/// Runs local services detached from the session that starts them, one instance per user and service:
/// finds a recorded running instance (pid alive, command line matches, endpoint answers) or starts one, and
/// stops it with SIGTERM. The service is started through /bin/sh with stdin, stdout and stderr pointed at
/// /dev/null and a log file, so it inherits no pipe of ours: a child holding the test runner's stdout
/// would make 'dotnet test' wait for it forever.
/// </summary>
internal sealed class LocalServiceLauncher
{
    // setsid: a new session, so Ctrl+C in the user's terminal (SIGINT to the foreground group) and closing
    // the terminal (SIGHUP) leave the service running. macOS has no setsid: nohup covers SIGHUP there.
    private const string DetachScript =
        "log=\"$1\"; shift; " +
        "if command -v setsid >/dev/null 2>&1; then setsid \"$@\" >\"$log\" 2>&1 </dev/null & " +
        "else nohup \"$@\" >\"$log\" 2>&1 </dev/null & fi; echo $!";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly string _stateDirectory;
    private readonly TimeSpan _startTimeout;
    private readonly Action<string> _log;

    public LocalServiceLauncher(string stateDirectory, TimeSpan startTimeout, Action<string>? log = null)
    {
        _stateDirectory = stateDirectory;
        _startTimeout = startTimeout;
        _log = log ?? (_ => { });
    }

    public string StatePath(string name) => Path.Combine(_stateDirectory, name + ".json");
    public string LogPath(string name) => Path.Combine(_stateDirectory, name + ".log");
    public string DataDirectory(string name) => Path.Combine(_stateDirectory, name + "-data");

    /// <summary>The endpoint of the running instance, started now if there is none that answers.</summary>
    public async Task<LocalServiceState> EnsureRunningAsync(LocalServiceDefinition service, CancellationToken cancellationToken)
    {
        CreatePrivateDirectory(_stateDirectory);
        using var _ = await LockAsync(service.Name, cancellationToken).ConfigureAwait(false);
        var state = LocalServiceState.Read(StatePath(service.Name));
        if (state is not null && IsOurProcess(state, service))
        {
            if (await EndpointProbe.AnswersAsync(state.Endpoint, cancellationToken).ConfigureAwait(false))
            {
                _log($"Reusing {service.Name} (pid {state.ProcessId}) at {state.Endpoint}, started {state.StartedOn:u}.");
                return state;
            }
            _log($"{service.Name} (pid {state.ProcessId}) is running but {state.Endpoint} does not answer: stopping it before starting a new one.");
            await TerminateAsync(state, cancellationToken).ConfigureAwait(false);
        }
        return await StartAsync(service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the recorded instance with SIGTERM and waits for it to exit (never SIGKILL).</summary>
    public async Task<LocalServiceStopResult> StopAsync(LocalServiceDefinition service, CancellationToken cancellationToken)
        => await StopAsync(service.Name, service.CommandLineMarker, cancellationToken).ConfigureAwait(false);

    /// <summary>Stops the instance recorded under <paramref name="name"/>, whose command line contains <paramref name="marker"/>.</summary>
    public async Task<LocalServiceStopResult> StopAsync(string name, string? marker, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_stateDirectory)) return new LocalServiceStopResult(name, null, LocalServiceStopStatus.NotRunning);
        using var _ = await LockAsync(name, cancellationToken).ConfigureAwait(false);
        var statePath = StatePath(name);
        var state = LocalServiceState.Read(statePath);
        if (state is null || !ProcessSignals.IsAlive(state.ProcessId) || !CommandLineMatches(state.ProcessId, marker))
        {
            File.Delete(statePath);
            return new LocalServiceStopResult(name, state?.ProcessId, LocalServiceStopStatus.NotRunning);
        }
        _log($"Stopping {name} (pid {state.ProcessId}) with SIGTERM.");
        var stopped = await TerminateAsync(state, cancellationToken).ConfigureAwait(false);
        if (stopped) File.Delete(statePath);
        return new LocalServiceStopResult(name, state.ProcessId, stopped ? LocalServiceStopStatus.Stopped : LocalServiceStopStatus.StillRunning);
    }

    private async Task<LocalServiceState> StartAsync(LocalServiceDefinition service, CancellationToken cancellationToken)
    {
        var dataDirectory = DataDirectory(service.Name);
        CreatePrivateDirectory(dataDirectory);
        var logPath = LogPath(service.Name);
        File.WriteAllText(logPath, string.Empty);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(logPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[] { "-c", DetachScript, "sh", logPath, service.FileName }.Concat(service.Arguments(dataDirectory)))
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in service.Environment) start.Environment[key] = value;

        _log($"Starting {service.Name}: {service.FileName} {string.Join(' ', service.Arguments(dataDirectory))} (log: {logPath}).");
        int pid;
        using (var shell = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start."))
        {
            shell.StandardInput.Close();
            var output = await shell.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            var errors = await shell.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await shell.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (!int.TryParse(output.Trim(), out pid))
                throw new BwException(BwErrorKind.ResourceUnavailable, "LocalServiceStartFailed",
                    $"Could not start {service.Name}: {errors.Trim()}", service.Name, "Check that /bin/sh works and the program exists.");
        }

        var endpoint = await WaitForReadyLineAsync(service, pid, logPath, cancellationToken).ConfigureAwait(false);
        var state = new LocalServiceState(service.Name, pid, endpoint, DateTimeOffset.UtcNow, logPath);
        state.Write(StatePath(service.Name));
        _log($"{service.Name} (pid {pid}) listens on {endpoint}.");
        return state;
    }

    private async Task<Uri> WaitForReadyLineAsync(LocalServiceDefinition service, int pid, string logPath, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _startTimeout;
        while (true)
        {
            var text = ReadShared(logPath);
            var match = service.ReadyLine.Match(text);
            if (match.Success) return new Uri(match.Groups[1].Value);
            if (!ProcessSignals.IsAlive(pid))
                throw new BwException(BwErrorKind.ResourceUnavailable, "LocalServiceStartFailed",
                    $"{service.Name} exited before it was ready. Its log ({logPath}) ends with: {Tail(text)}", service.Name,
                    $"Read {logPath}; if the port or data directory is in use, stop the other instance (Disconnect-BwAccount -StopLocalServices).");
            if (DateTime.UtcNow > deadline)
            {
                ProcessSignals.Terminate(pid);
                throw new BwException(BwErrorKind.OperationTimeout, "LocalServiceStartTimeout",
                    $"{service.Name} did not report ready within {_startTimeout.TotalSeconds:0} s. Its log ends with: {Tail(text)}", service.Name,
                    $"Read {logPath}; on a slow machine connect again (it may only need longer).");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> TerminateAsync(LocalServiceState state, CancellationToken cancellationToken)
    {
        if (!ProcessSignals.Terminate(state.ProcessId)) return true;
        var deadline = DateTime.UtcNow + StopTimeout;
        while (ProcessSignals.IsAlive(state.ProcessId))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    private static bool IsOurProcess(LocalServiceState state, LocalServiceDefinition service)
        => ProcessSignals.IsAlive(state.ProcessId) && CommandLineMatches(state.ProcessId, service.CommandLineMarker);

    /// <summary>Pids are reused: where /proc exists, the process must still be the one we started.</summary>
    private static bool CommandLineMatches(int pid, string? marker)
    {
        if (marker is null) return true;
        var commandLine = ProcessSignals.CommandLine(pid);
        return commandLine is null || commandLine.Contains(marker, StringComparison.Ordinal);
    }

    /// <summary>Serializes start/stop of one service across sessions and processes of this user.</summary>
    private async Task<IDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        CreatePrivateDirectory(_stateDirectory);
        var path = Path.Combine(_stateDirectory, name + ".lock");
        var deadline = DateTime.UtcNow + _startTimeout + StopTimeout;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { await Task.Delay(200, cancellationToken).ConfigureAwait(false); }
        }
    }

    internal static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException) { return string.Empty; }
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(empty)" : SecretScrubber.Scrub(string.Join(" | ", lines.TakeLast(5)));
    }
}
