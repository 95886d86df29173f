using System.Diagnostics;

namespace BatchWords;

/// <summary>
/// Runs local services detached from the session that starts them, one instance per user, service and data
/// folder: reuses the recorded instance when it is the one running on the data folder, uses the account key in
/// the key file and answers; otherwise stops whatever runs on the data folder (found from /proc, not from the
/// state file) and starts one. Stops with SIGTERM. The service is started through /bin/sh with stdin, stdout
/// and stderr pointed at /dev/null and a log file, so it inherits no pipe of ours: a child holding the test
/// runner's stdout would make 'dotnet test' wait for it forever.
/// </summary>
internal sealed class LocalServiceLauncher
{
    // The data folder's lock: for a service that cannot flock (Azurite, on node), the shell takes an exclusive
    // flock on the lock file as descriptor 9, which the service inherits and so holds for as long as it runs; a
    // second start on the same folder then fails here instead of running beside it. setsid: a new session, so
    // Ctrl+C in the user's terminal (SIGINT to the foreground group) and closing the terminal (SIGHUP) leave the
    // service running. macOS has neither flock(1) nor setsid: nohup covers SIGHUP there, and the state file alone
    // tells what runs.
    private const string DetachScript =
        "log=\"$1\"; lock=\"$2\"; shift 2; " +
        "if [ -n \"$lock\" ] && command -v flock >/dev/null 2>&1; then " +
        "exec 9<>\"$lock\" || exit 1; " +
        "flock -n 9 || { echo \"another process holds $lock: the data folder is in use\" >&2; exit 1; }; fi; " +
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

    /// <summary>The state folder's own name ("local", "local-entra"): which stack a stop result is from.</summary>
    private string StackName => Path.GetFileName(Path.TrimEndingDirectorySeparator(_stateDirectory));

    public string StatePath(string name) => Path.Combine(_stateDirectory, name + ".json");
    public string LogPath(string name) => Path.Combine(_stateDirectory, name + ".log");
    public string KeyPath(string name) => Path.Combine(_stateDirectory, name + ".key");
    public string DataDirectory(string name) => Path.Combine(_stateDirectory, name + "-data");

    /// <summary>The running instance and its account key, started now (with a new key if need be) when there is none to reuse.</summary>
    public async Task<LocalServiceInstance> EnsureRunningAsync(LocalServiceDefinition service, CancellationToken cancellationToken)
    {
        CreatePrivateDirectory(_stateDirectory);
        using var _ = await LockAsync(service.Name, cancellationToken).ConfigureAwait(false);
        var key = LocalAccountKey.TryRead(KeyPath(service.Name));
        var state = LocalServiceState.Read(StatePath(service.Name));
        var running = LocalServiceInstances.Find(service.Identity, DataDirectory(service.Name), state?.ProcessId);

        string? why = null;
        if (running.Count > 0)
        {
            if (state is null || !running.Contains(state.ProcessId)) why = "its state file is missing or damaged";
            else if (key is null) why = "its account key file is missing or damaged";
            else if (state.KeyFingerprint != LocalAccountKey.Fingerprint(key))
                why = "it was started with another account key than the key file's (or by an older BatchWords, with the public development key)";
            else if ((state.Configuration ?? "") != service.Configuration)
                why = "it was started in another mode or with another certificate";
            else if (!await EndpointProbe.AnswersAsync(state.Endpoint, service.CertificateThumbprint, cancellationToken).ConfigureAwait(false))
                why = $"{state.Endpoint} does not answer";
            else
            {
                // Only one instance can hold the data folder's lock; any other is an instance from before the lock.
                await TerminateAllAsync(service.Name, running.Where(pid => pid != state.ProcessId), "another instance on the same data folder", cancellationToken).ConfigureAwait(false);
                _log($"Reusing {service.Name} (pid {state.ProcessId}) at {state.Endpoint}, started {state.StartedOn:u}.");
                return new LocalServiceInstance(state, key!);
            }
        }
        if (why is not null) await TerminateAllAsync(service.Name, running, why, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            // Replaced only now that no service uses the old key: a service still running with it would refuse us.
            key = LocalAccountKey.Replace(KeyPath(service.Name));
            _log($"Made a new account key for {service.Name} in {KeyPath(service.Name)} (the file was missing or damaged).");
        }
        return new LocalServiceInstance(await StartAsync(service, key, cancellationToken).ConfigureAwait(false), key);
    }

    /// <summary>
    /// Stops, with SIGTERM, every instance of the service on this user's data folder (the recorded one and any
    /// the state file does not know of), waiting for each to exit (never SIGKILL); one result per process.
    /// </summary>
    public async Task<IReadOnlyList<LocalServiceStopResult>> StopAsync(LocalServiceIdentity identity, CancellationToken cancellationToken)
    {
        var name = identity.Name;
        if (!Directory.Exists(_stateDirectory)) return new[] { new LocalServiceStopResult(name, null, LocalServiceStopStatus.NotRunning) { Stack = StackName } };
        using var _ = await LockAsync(name, cancellationToken).ConfigureAwait(false);
        var statePath = StatePath(name);
        var state = LocalServiceState.Read(statePath);
        var running = LocalServiceInstances.Find(identity, DataDirectory(name), state?.ProcessId);
        if (running.Count == 0)
        {
            File.Delete(statePath);
            return new[] { new LocalServiceStopResult(name, state?.ProcessId, LocalServiceStopStatus.NotRunning) { Stack = StackName } };
        }
        var results = new List<LocalServiceStopResult>();
        foreach (var pid in running)
        {
            _log($"Stopping {name} (pid {pid}) with SIGTERM.");
            var stopped = await TerminateAsync(pid, cancellationToken).ConfigureAwait(false);
            results.Add(new LocalServiceStopResult(name, pid, stopped ? LocalServiceStopStatus.Stopped : LocalServiceStopStatus.StillRunning) { Stack = StackName });
        }
        if (results.All(r => r.StatusKind == LocalServiceStopStatus.Stopped)) File.Delete(statePath);
        return results;
    }

    private async Task TerminateAllAsync(string name, IEnumerable<int> processIds, string why, CancellationToken cancellationToken)
    {
        foreach (var pid in processIds)
        {
            _log($"{name} (pid {pid}) runs on {DataDirectory(name)} but {why}: stopping it (SIGTERM) before starting a new one.");
            if (!await TerminateAsync(pid, cancellationToken).ConfigureAwait(false))
                throw new BwException(BwErrorKind.ResourceUnavailable, "LocalServiceStillRunning",
                    $"{name} (pid {pid}) did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM; it was not killed, to keep its data.", name,
                    "Connect again once it is idle, or stop it yourself (kill -TERM " + pid + ").");
        }
    }

    private async Task<LocalServiceState> StartAsync(LocalServiceDefinition service, string key, CancellationToken cancellationToken)
    {
        var dataDirectory = DataDirectory(service.Name);
        CreatePrivateDirectory(dataDirectory);
        var logPath = LogPath(service.Name);
        File.WriteAllText(logPath, string.Empty);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(logPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var lockPath = service.Identity.LocksItself ? "" : Path.Combine(dataDirectory, service.Identity.DataLockFileName);
        await WaitForDataLockAsync(Path.Combine(dataDirectory, service.Identity.DataLockFileName), cancellationToken).ConfigureAwait(false);

        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[] { "-c", DetachScript, "sh", logPath, lockPath, service.FileName }.Concat(service.Arguments(dataDirectory)))
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in service.Environment(key)) start.Environment[name] = value;

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
                    $"Could not start {service.Name}: {errors.Trim()}", service.Name,
                    "If its data folder is in use, stop the other instance (Disconnect-BwAccount -StopLocalServices); otherwise check that /bin/sh works and the program exists.");
        }

        var endpoint = await WaitForReadyLineAsync(service, pid, logPath, cancellationToken).ConfigureAwait(false);
        var state = new LocalServiceState(service.Name, pid, endpoint, DateTimeOffset.UtcNow, logPath, LocalAccountKey.Fingerprint(key), service.Configuration);
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

    /// <summary>
    /// Waits (a few seconds at most) until nobody holds the data folder's lock. An instance just stopped shows as
    /// gone (a zombie) as soon as its main thread exits, while its other threads may still hold the lock for a
    /// moment: starting then failed with "the data folder is in use". Another live holder is left to the start,
    /// which then fails with that message. On Unix, .NET takes FileShare.None as an exclusive flock.
    /// </summary>
    private static async Task WaitForDataLockAsync(string lockPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(lockPath)) return;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline) { await Task.Delay(100, cancellationToken).ConfigureAwait(false); }
            catch (IOException) { return; }
            catch (UnauthorizedAccessException) { return; }
        }
    }

    private static async Task<bool> TerminateAsync(int pid, CancellationToken cancellationToken)
    {
        if (!ProcessSignals.Terminate(pid)) return true;
        var deadline = DateTime.UtcNow + StopTimeout;
        while (ProcessSignals.IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>Serializes start/stop of one service across sessions and processes of this user.</summary>
    private async Task<IDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        CreatePrivateDirectory(_stateDirectory);
        return await ExclusiveFileLock.AcquireAsync(Path.Combine(_stateDirectory, name + ".lock"), _startTimeout + StopTimeout,
            TimeSpan.FromMilliseconds(200), null, cancellationToken).ConfigureAwait(false);
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
