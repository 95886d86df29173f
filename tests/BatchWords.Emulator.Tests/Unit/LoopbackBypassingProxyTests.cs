using System.Net;
using BatchWords.Emulator.Runtime;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

public class LoopbackBypassingProxyTests
{
    private sealed class EverythingThroughProxy : IWebProxy
    {
        public ICredentials? Credentials { get; set; }
        public Uri GetProxy(Uri destination) => new("http://proxy.example:3128");
        public bool IsBypassed(Uri host) => false;
    }

    [Theory]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/input/a.txt", true)]
    [InlineData("http://localhost:10000/devstoreaccount1/input/a.txt", true)]
    [InlineData("http://[::1]:10000/devstoreaccount1/input/a.txt", true)]
    [InlineData("https://account.blob.core.windows.net/input/a.txt", false)]
    public void Loopback_storage_never_goes_through_the_environments_proxy(string url, bool bypassed)
    {
        Assert.Equal(bypassed, new LoopbackBypassingProxy(new EverythingThroughProxy()).IsBypassed(new Uri(url)));
    }
}
