using System.Net;
using BatchWords.Emulator.Api;
using BatchWords.Emulator.Durability;
using BatchWords.Emulator.Faults;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Runtime;
using BatchWords.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchWords.Emulator;

/// <summary>
/// Starts the emulator: Kestrel on 127.0.0.1 only, the request pipeline (request ids → error bodies →
/// api-version → Shared Key → the Batch endpoints) and the runtime (scheduler, nodes, tasks). Used by Program
/// and, in process, by tests.
/// </summary>
public static class EmulatorHost
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    public static async Task<EmulatorHandle> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var key = options.Validate();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        // Before anything touches the directory: another emulator on it must keep its sandboxes and tasks.
        var dataLock = DataDirectoryLock.Acquire(dataDirectory);
        try { return await StartLockedAsync(options, key, dataDirectory, dataLock, cancellationToken).ConfigureAwait(false); }
        catch
        {
            dataLock.Dispose();
            throw;
        }
    }

    private static async Task<EmulatorHandle> StartLockedAsync(EmulatorOptions options, byte[] key, string dataDirectory,
        DataDirectoryLock dataLock, CancellationToken cancellationToken)
    {
        var state = new EmulatorState(options.AccountName, dataDirectory);

        // What an earlier run on this data folder left: its journal first, then its leftovers are cleared around it.
        static void Warn(string message) => Console.Error.WriteLine("BatchWords.Emulator: " + message);
        var restored = StateRestorer.Restore(state, StateJournal.Read(dataDirectory, Warn));
        RemoveStaleSandboxes(state);
        if (restored.Pools + restored.Jobs > 0)
            Warn($"restored {restored.Pools} pool(s), {restored.Jobs} job(s) and {restored.Tasks} task(s) from {StateJournal.PathOf(dataDirectory)}; " +
                 $"{restored.RequeuedTasks} task(s) that were running were requeued.");
        var journal = await StateJournal.OpenAsync(state, Warn).ConfigureAwait(false);

        // The port an earlier run listened on, when free, so that clients waiting on it find the emulator again.
        var rememberedPort = options.Port == 0 ? ListenPortMemory.Read(dataDirectory) : null;
        WebApplication app;
        try
        {
            app = Build(options, key, state, journal, rememberedPort ?? options.Port);
            try { await app.StartAsync(cancellationToken).ConfigureAwait(false); }
            catch (IOException) when (rememberedPort is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                app = Build(options, key, state, journal, 0);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await journal.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var address = app.Urls.First().TrimEnd('/');
        state.ListenUrl = address;
        var baseUri = new Uri(address);
        ListenPortMemory.Write(dataDirectory, baseUri.Port);
        var runtime = app.Services.GetRequiredService<EmulatorRuntime>();
        runtime.ResumeAfterRestart(restored);
        runtime.Start();
        runtime.Scheduler.Wake(); // the requeued tasks
        return new EmulatorHandle(app, runtime, journal, baseUri, dataLock);
    }

    private static WebApplication Build(EmulatorOptions options, byte[] key, EmulatorState state, StateJournal journal, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        builder.Logging.ClearProviders();
        // Warnings and errors only, on stderr: stdout carries the ready line and nothing else.
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        if (!options.HandleTerminationSignals) builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Services.AddSingleton(state);
        var trusted = options.TrustedEndpoint is { } endpoint ? new TrustedLoopbackCertificate(endpoint.Endpoint, endpoint.Thumbprint) : null;
        builder.Services.AddSingleton(provider => new EmulatorRuntime(state, provider.GetRequiredService<ILoggerFactory>().CreateLogger("BatchWords.Emulator"), trusted)
        {
            TransientStateStay = options.TransientStateStay,
        });
        builder.Services.AddSingleton(new SharedKeyVerifier(options.AccountName, key, options.BearerToken,
            entraId: options.EntraIdOnly ? new BearerTokenValidator() : null));

        var app = builder.Build();
        // No answer leaves before the changes made so far are on disk (one fsync serves every waiting answer).
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() => journal.FlushAsync());
            return next(context);
        });
        app.UseMiddleware<RequestIdHeaders>();
        app.UseMiddleware<ErrorHandling>();
        app.UseMiddleware<ApiVersionCheck>();
        app.UseMiddleware<Authentication>();
        if (options.Faults is { IsActive: true } faults) app.UseMiddleware<FaultInjection>(faults);
        app.UseRouting();
        PoolEndpoints.Map(app);
        NodeEndpoints.Map(app);
        ImageEndpoints.Map(app);
        JobEndpoints.Map(app);
        TaskEndpoints.Map(app);
        FileEndpoints.Map(app);
        AutoScale.AutoScaleEndpoints.Map(app);
        Preemption.PreemptionEndpoints.Map(app);
        app.MapFallback(context => throw BatchRequestException.NotFound("ResourceNotFound",
            $"The BatchWords emulator does not serve {context.Request.Method} {context.Request.Path}."));
        return app;
    }

    /// <summary>
    /// Before anything runs: kills the task processes an earlier run left (its tasks are requeued or were done; either
    /// way nothing may keep writing in their folders), empties the trash, and removes the sandboxes of pools and nodes
    /// that the journal does not have. Sandboxes of restored nodes stay, with the files of their completed tasks.
    /// </summary>
    private static void RemoveStaleSandboxes(EmulatorState state)
    {
        var trash = Path.Combine(state.DataDirectory, "trash");
        var killed = StaleProcessReaper.KillUnder(state.PoolsDirectory, trash);
        if (killed.Count > 0)
            Console.Error.WriteLine($"BatchWords.Emulator: killed {killed.Count} task process(es) an earlier run left in {state.DataDirectory} (pids {string.Join(", ", killed)}).");
        if (Directory.Exists(trash)) Directory.Delete(trash, recursive: true);
        if (!Directory.Exists(state.PoolsDirectory)) return;
        var keep = state.Pools.Values.SelectMany(p => p.Nodes.Select(n => n.RootDirectory).Append(p.Directory)).ToHashSet(StringComparer.Ordinal);
        foreach (var poolDirectory in Directory.EnumerateDirectories(state.PoolsDirectory))
        {
            if (!keep.Contains(poolDirectory)) { Directory.Delete(poolDirectory, recursive: true); continue; }
            foreach (var nodeDirectory in Directory.EnumerateDirectories(poolDirectory))
                if (!keep.Contains(nodeDirectory)) Directory.Delete(nodeDirectory, recursive: true);
        }
    }

    /// <summary>In process the host must not take over the process's SIGTERM/Ctrl+C: the owner stops it.</summary>
    private sealed class InProcessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>A running emulator: its base URI, and disposal that stops it and kills every process it started.</summary>
public sealed class EmulatorHandle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorRuntime _runtime;
    private readonly StateJournal _journal;
    private readonly DataDirectoryLock _dataLock;
    private int _disposed;

    internal EmulatorHandle(WebApplication app, EmulatorRuntime runtime, StateJournal journal, Uri baseUri, DataDirectoryLock dataLock)
    {
        _app = app;
        _runtime = runtime;
        _journal = journal;
        _dataLock = dataLock;
        BaseUri = baseUri;
    }

    /// <summary>http://127.0.0.1:{port}</summary>
    public Uri BaseUri { get; }

    /// <summary>For the tests: the state and runtime behind the answers.</summary>
    internal EmulatorRuntime Runtime => _runtime;

    /// <summary>Completes when the host is asked to stop (SIGTERM or Ctrl+C for the executable).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _app.StopAsync().ConfigureAwait(false);
        await _runtime.ShutdownAsync().ConfigureAwait(false);
        await _journal.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _dataLock.Dispose(); // last: the tasks are stopped and the sandboxes no longer in use
    }
}
