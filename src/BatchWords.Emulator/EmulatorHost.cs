using System.Net;
using BatchWords.Emulator.Api;
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
        RemoveStaleSandboxes(state);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, options.Port);
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
        builder.Services.AddSingleton(provider => new EmulatorRuntime(state, provider.GetRequiredService<ILoggerFactory>().CreateLogger("BatchWords.Emulator")));
        builder.Services.AddSingleton(new SharedKeyVerifier(options.AccountName, key, options.BearerToken));

        var app = builder.Build();
        app.UseMiddleware<RequestIdHeaders>();
        app.UseMiddleware<ErrorHandling>();
        app.UseMiddleware<ApiVersionCheck>();
        app.UseMiddleware<Authentication>();
        app.UseRouting();
        PoolEndpoints.Map(app);
        NodeEndpoints.Map(app);
        ImageEndpoints.Map(app);
        JobEndpoints.Map(app);
        TaskEndpoints.Map(app);
        FileEndpoints.Map(app);
        app.MapFallback(context => throw BatchRequestException.NotFound("ResourceNotFound",
            $"The BatchWords emulator does not serve {context.Request.Method} {context.Request.Path}."));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Urls.First().TrimEnd('/');
        state.ListenUrl = address;
        var runtime = app.Services.GetRequiredService<EmulatorRuntime>();
        runtime.Start();
        return new EmulatorHandle(app, runtime, new Uri(address), dataLock);
    }

    /// <summary>
    /// Sandboxes of an earlier run that did not exit cleanly: its state is gone, so are they, and so are the task
    /// processes it left running in them (first, so none keeps writing into a folder being deleted).
    /// </summary>
    private static void RemoveStaleSandboxes(EmulatorState state)
    {
        var directories = new[] { state.PoolsDirectory, Path.Combine(state.DataDirectory, "trash") };
        var killed = StaleProcessReaper.KillUnder(directories);
        if (killed.Count > 0)
            Console.Error.WriteLine($"BatchWords.Emulator: killed {killed.Count} task process(es) an earlier run left in {state.DataDirectory} (pids {string.Join(", ", killed)}).");
        foreach (var directory in directories)
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
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
    private readonly DataDirectoryLock _dataLock;
    private int _disposed;

    internal EmulatorHandle(WebApplication app, EmulatorRuntime runtime, Uri baseUri, DataDirectoryLock dataLock)
    {
        _app = app;
        _runtime = runtime;
        _dataLock = dataLock;
        BaseUri = baseUri;
    }

    /// <summary>http://127.0.0.1:{port}</summary>
    public Uri BaseUri { get; }

    /// <summary>Completes when the host is asked to stop (SIGTERM or Ctrl+C for the executable).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _app.StopAsync().ConfigureAwait(false);
        await _runtime.ShutdownAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _dataLock.Dispose(); // last: the tasks are stopped and the sandboxes no longer in use
    }
}
