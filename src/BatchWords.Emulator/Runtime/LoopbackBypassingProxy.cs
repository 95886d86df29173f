using System.Net;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// The environment's proxy (HTTP(S)_PROXY, NO_PROXY) for resource files and uploads that go to real storage
/// accounts, but never for loopback: Azurite on 127.0.0.1 must not be sent through a corporate proxy.
/// </summary>
public sealed class LoopbackBypassingProxy : IWebProxy
{
    private readonly IWebProxy _inner;

    public LoopbackBypassingProxy(IWebProxy inner) => _inner = inner;

    public ICredentials? Credentials
    {
        get => _inner.Credentials;
        set => _inner.Credentials = value;
    }

    public Uri? GetProxy(Uri destination) => _inner.GetProxy(destination);

    public bool IsBypassed(Uri host) => host.IsLoopback || _inner.IsBypassed(host);
}
