using System.Collections.Concurrent;
using BatchWords.Emulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BatchWords.Emulator.Faults;

/// <summary>
/// The fault mode's middleware (test-only, off unless <see cref="FaultSettings"/> are given). It sits after
/// authentication and before every endpoint, so a throttled or dropped request has done nothing; a request drawn
/// for dropAfter runs to the end (its change is made) and its connection is then aborted instead of answered.
/// Each fault, and each later attempt of a request that was faulted (same client-request-id), is one warning
/// line on stderr: the test counts them there ("Fault injected", "Retry after fault").
/// </summary>
public sealed class FaultInjection
{
    private const int RememberedRequests = 100_000;
    private readonly RequestDelegate _next;
    private readonly FaultSettings _settings;
    private readonly ILogger<FaultInjection> _logger;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, byte> _faulted = new(StringComparer.Ordinal);

    public FaultInjection(RequestDelegate next, FaultSettings settings, ILogger<FaultInjection> logger)
    {
        _next = next;
        _settings = settings;
        _logger = logger;
        _random = settings.Seed is { } seed ? new Random(seed) : new Random();
    }

    private enum Fault { None, Status, DropBefore, DropAfter }

    public async Task InvokeAsync(HttpContext context)
    {
        var clientRequestId = context.Request.Headers["client-request-id"].ToString();
        var (fault, status) = Draw();
        var what = $"{context.Request.Method} {context.Request.Path}";
        if (clientRequestId.Length > 0 && _faulted.ContainsKey(clientRequestId))
        {
            _logger.LogWarning("Retry after fault: {Request} (client-request-id {Id})", what, clientRequestId);
            if (fault == Fault.None) _faulted.TryRemove(clientRequestId, out _);
        }
        if (fault != Fault.None && clientRequestId.Length > 0)
        {
            if (_faulted.Count > RememberedRequests) _faulted.Clear();
            _faulted.TryAdd(clientRequestId, 0);
        }

        switch (fault)
        {
            case Fault.Status:
                _logger.LogWarning("Fault injected: {Status} before {Request}", status, what);
                context.Response.Headers["Retry-After"] = _settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var (code, message) = status switch
                {
                    429 => ("TooManyRequests", "The server is throttling requests from this account. Retry after the time in Retry-After."),
                    503 => ("ServerBusy", "The server is currently unable to receive requests. Please retry your request."),
                    _ => ("InternalError", "Server encountered an internal error. Please try again after some time."),
                };
                await BatchErrorWriter.WriteAsync(context, status, code, message + " (injected by the emulator's fault mode)").ConfigureAwait(false);
                return;
            case Fault.DropBefore:
                _logger.LogWarning("Fault injected: connection dropped before {Request}", what);
                context.Abort();
                return;
            case Fault.DropAfter:
                _logger.LogWarning("Fault injected: connection dropped after {Request}", what);
                // Whatever the endpoint answers, the answer never leaves: the connection goes the moment the
                // response would start, or once the endpoint is done if it never started one.
                context.Response.OnStarting(() =>
                {
                    context.Abort();
                    return Task.CompletedTask;
                });
                try { await _next(context).ConfigureAwait(false); }
                finally { context.Abort(); }
                return;
            default:
                await _next(context).ConfigureAwait(false);
                return;
        }
    }

    private (Fault, int) Draw()
    {
        double draw;
        int pick;
        lock (_random)
        {
            draw = _random.NextDouble();
            pick = _random.Next(_settings.Statuses.Count);
        }
        if (draw < _settings.Rate) return (Fault.Status, _settings.Statuses[pick]);
        if (draw < _settings.Rate + _settings.Drop) return (Fault.DropBefore, 0);
        if (draw < _settings.Rate + _settings.Drop + _settings.DropAfter) return (Fault.DropAfter, 0);
        return (Fault.None, 0);
    }
}
