using System.Net;
using System.Net.Sockets;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a local service that counts how many connections are open at once. An
/// HTTP/1.1 client opens a new connection only when all its open ones are busy, so the peak is the number of
/// requests that were in flight together: what -ThrottleLimit bounds. Each new connection is held for a
/// moment before it is relayed, so requests started together really overlap.
/// </summary>
public sealed class CountingProxy : IDisposable
{
    private static readonly TimeSpan AcceptDelay = TimeSpan.FromMilliseconds(50);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _open;
    private int _peak;
    private int _total;

    public CountingProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptAsync);
    }

    /// <summary>The service's base URI with the proxy's port, e.g. http://127.0.0.1:port/devstoreaccount1.</summary>
    public Uri Rewrite(Uri serviceUri) => new UriBuilder(serviceUri) { Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.Uri;

    /// <summary>The most connections open at the same time.</summary>
    public int PeakConnections => Volatile.Read(ref _peak);

    public int TotalConnections => Volatile.Read(ref _total);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var open = Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _total);
        for (var peak = Volatile.Read(ref _peak); open > peak; peak = Volatile.Read(ref _peak))
            if (Interlocked.CompareExchange(ref _peak, open, peak) == peak) break;
        var counted = true;
        void Uncount()
        {
            if (!counted) return;
            counted = false;
            Interlocked.Decrement(ref _open);
        }
        try
        {
            using (client)
            using (var server = new TcpClient())
            {
                await Task.Delay(AcceptDelay, _stop.Token);
                await server.ConnectAsync(_target, _stop.Token);
                var a = client.GetStream();
                var b = server.GetStream();
                // Either side closing ends the connection (an HTTP client or server closing is final). It stops
                // counting before the client sees it closed, so a reconnect never overlaps it in the count.
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
                Uncount();
            }
        }
        catch (Exception) { /* a reset or the proxy stopping: the connection is over either way */ }
        finally { Uncount(); }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _acceptLoop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
