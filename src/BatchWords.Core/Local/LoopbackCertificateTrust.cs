using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace BatchWords;

/// <summary>
/// Trusts one self-signed certificate (<see cref="LocalCertificate"/>) for one loopback endpoint, by its SHA-256
/// thumbprint, in the HttpClients that talk to the local Entra ID stack's Azurite. Every other host, port or
/// certificate gets the platform's normal validation: validation is never turned off, and the certificate never
/// enters a trust store.
/// </summary>
internal sealed class LoopbackCertificateTrust
{
    private readonly string _host;
    private readonly int _port;
    private readonly string _thumbprint;

    public LoopbackCertificateTrust(Uri endpoint, string thumbprint)
    {
        if (!endpoint.IsLoopback)
            throw new ArgumentException($"Only a loopback endpoint can trust a local certificate, not {endpoint.Host}.", nameof(endpoint));
        _host = endpoint.Host;
        _port = endpoint.Port;
        _thumbprint = thumbprint;
    }

    /// <summary>True for a chain the platform trusts, or for exactly the pinned certificate on exactly the pinned host and port.</summary>
    public bool Validate(Uri? requestUri, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (requestUri is null || certificate is null) return false;
        return requestUri.Scheme == Uri.UriSchemeHttps
            && string.Equals(requestUri.Host, _host, StringComparison.OrdinalIgnoreCase)
            && requestUri.Port == _port
            && string.Equals(LocalCertificate.ThumbprintOf(certificate), _thumbprint, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A handler that applies this trust; no proxy (the endpoint is loopback, an HTTPS_PROXY must not intercept it).</summary>
    public HttpClientHandler CreateHandler() => new()
    {
        UseProxy = false,
        ServerCertificateCustomValidationCallback = (request, certificate, _, errors) => Validate(request.RequestUri, certificate, errors),
    };
}
