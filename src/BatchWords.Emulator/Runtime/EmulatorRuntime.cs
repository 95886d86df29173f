using System.Collections.Concurrent;
using BatchWords.Emulator.State;
using Microsoft.Extensions.Logging;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// The running parts of the emulator and their shared plumbing: the state, the scheduler, the task and node
/// runtimes, one HttpClient for resource files and uploads, and a register of background work so that shutdown
/// kills every process group and waits for every attempt to wind up.
/// </summary>
public sealed class EmulatorRuntime
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;

    public EmulatorRuntime(EmulatorState state, ILogger logger, TrustedLoopbackCertificate? trusted = null)
    {
        State = state;
        _logger = logger;
        var proxy = new LoopbackBypassingProxy(HttpClient.DefaultProxy);
        // With a trusted loopback certificate: HttpClientHandler, whose validation callback sees the request's URI
        // (SocketsHttpHandler's does not), so the trust can be held to that one endpoint.
        HttpMessageHandler handler = trusted is null
            ? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), Proxy = proxy }
            : new HttpClientHandler
            {
                Proxy = proxy,
                ServerCertificateCustomValidationCallback = (request, certificate, _, errors) => trusted.Validate(request.RequestUri, certificate, errors),
            };
        Http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var execution = new TaskExecution(new ResourceFileDownloader(Http));
        Scheduler = new Scheduler(this);
        Jobs = new JobLifecycle(this);
        Nodes = new NodeRuntime(this, execution);
        Tasks = new TaskRunner(this, execution, new OutputFileUploader(Http));
        AutoScale = new AutoScale.AutoScaleService(this);
        Preemption = new Preemption.NodePreemption(this);
    }

    public EmulatorState State { get; }
    public HttpClient Http { get; }
    public Scheduler Scheduler { get; }
    public JobLifecycle Jobs { get; }
    public NodeRuntime Nodes { get; }
    public TaskRunner Tasks { get; }
    public MemoryReleaser Memory { get; } = new();

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>EmulatorOptions.TransientStateStay: how long deleting and terminating stay visible at least.</summary>
    public TimeSpan TransientStateStay { get; init; } = EmulatorOptions.DefaultTransientStateStay;

    /// <summary>
    /// Runs <paramref name="then"/> under the lock at <paramref name="due"/> (at once if that has passed): the end of a
    /// transient state. It is skipped when the emulator is stopping.
    /// </summary>
    public void At(DateTimeOffset due, string what, Action then)
    {
        Background(what, async () =>
        {
            var wait = due - EmulatorState.Now;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, _stopping.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            lock (State.Gate) then();
            Scheduler.Wake();
        });
    }

    public AutoScale.AutoScaleService AutoScale { get; }

    /// <summary>Test-only Spot node preemption (on request, or at random with BATCHWORDS_EMULATOR_PREEMPTION).</summary>
    public Preemption.NodePreemption Preemption { get; }

    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Runs work in the background; a failure is logged (never lost silently) and never crashes the process.</summary>
    public void Background(string what, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try { await work().ConfigureAwait(false); }
            catch (Exception e) { _logger.LogError(e, "Background work failed: {What}", what); }
        });
        _background.TryAdd(task, 0);
        task.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
    }

    public void LogWarning(string message, params object[] args) => _logger.LogWarning(message, args);

    public string TrashDirectory => Path.Combine(State.DataDirectory, "trash");

    /// <summary>
    /// Removes a directory tree at once, as far as anyone can see: it is renamed into the trash (a cheap metadata
    /// operation, fine under the lock) and deleted there in the background, so a pool, job or task created next
    /// with the same id never shares, or loses, a directory with the one being deleted.
    /// </summary>
    public void Discard(string path)
    {
        try
        {
            if (!Directory.Exists(path)) return;
            Directory.CreateDirectory(TrashDirectory);
            var trash = Path.Combine(TrashDirectory, Guid.NewGuid().ToString("N"));
            Directory.Move(path, trash);
            Background("deleting " + path, () =>
            {
                Directory.Delete(trash, recursive: true);
                return Task.CompletedTask;
            });
        }
        catch (IOException e) { _logger.LogWarning("Could not remove {Path}: {Error}", path, e.Message); }
        catch (UnauthorizedAccessException e) { _logger.LogWarning("Could not remove {Path}: {Error}", path, e.Message); }
    }

    public void Start()
    {
        Scheduler.Start();
        AutoScale.Start();
        Preemption.Start();
    }

    /// <summary>
    /// After a restart, once listening (tasks and start tasks need the address): clears the directories of the
    /// attempts that were cut short, sets up again the nodes that were being set up, finishes the deletions and
    /// terminations that were under way, and re-arms the jobs' wall-clock timers. The scheduler then runs the
    /// requeued tasks.
    /// </summary>
    internal void ResumeAfterRestart(Durability.RestoredState restored)
    {
        lock (State.Gate)
        {
            foreach (var (task, node) in restored.RequeuedTaskDirectories) Discard(TaskRunner.TaskDirectory(task, node));
            foreach (var pool in State.Pools.Values.ToList()) Nodes.Resume(pool, restored.NodesToStart);
            foreach (var job in State.Jobs.Values.ToList())
            {
                if (job.State == "deleting") Jobs.BeginDelete(job);
                else
                {
                    if (job.IsActive) Jobs.ArmWallClock(job);
                    Jobs.AfterTaskFinished(job);
                }
            }
        }
    }

    /// <summary>Stops scheduling, kills every task and start task process group, and waits (bounded) for them.</summary>
    public async Task ShutdownAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        Scheduler.Stop();
        List<ProcessRun> runs;
        lock (State.Gate)
        {
            runs = State.Jobs.Values.SelectMany(j => j.TaskOrder).Select(t => t.Run)
                .Concat(State.Pools.Values.SelectMany(p => p.Nodes).Select(n => n.StartTaskRun))
                .OfType<ProcessRun>().ToList();
            foreach (var job in State.Jobs.Values) job.WallClockTimer?.Cancel();
        }
        foreach (var run in runs) run.Stop(StopReason.Shutdown);
        await Task.WhenAny(Task.WhenAll(runs.Select(r => r.Finished)), Task.Delay(ShutdownWait)).ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(_background.Keys), Task.Delay(ShutdownWait)).ConfigureAwait(false);
        Http.Dispose();
    }
}
