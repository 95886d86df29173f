using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// The nodes' trust in the local Entra ID stack's Azurite: its self-signed certificate, by SHA-256 thumbprint, for
/// exactly its loopback scheme, host and port (<see cref="EmulatorOptions.TrustedEndpoint"/>). Any other host,
/// port or certificate is validated by the platform as usual; validation is never switched off.
/// </summary>
public sealed class TrustedLoopbackCertificate
{
    private readonly Uri _endpoint;
    private readonly string _thumbprint;

    public TrustedLoopbackCertificate(Uri endpoint, string thumbprint)
    {
        if (!endpoint.IsLoopback || endpoint.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"Only an https loopback endpoint can be trusted by thumbprint, not '{endpoint.GetLeftPart(UriPartial.Authority)}'.");
        if (thumbprint.Length != 64 || !thumbprint.All(Uri.IsHexDigit))
            throw new ArgumentException("The trusted certificate's thumbprint must be a SHA-256 in hexadecimal (64 digits).");
        _endpoint = endpoint;
        _thumbprint = thumbprint;
    }

    /// <summary>"https://127.0.0.1:port|SHA256HEX" (BATCHWORDS_EMULATOR_TRUSTED_ENDPOINT); throws ArgumentException naming what is wrong.</summary>
    public static (Uri Endpoint, string Thumbprint)? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var bar = text.IndexOf('|');
        if (bar <= 0 || !Uri.TryCreate(text[..bar], UriKind.Absolute, out var endpoint))
            throw new ArgumentException("BATCHWORDS_EMULATOR_TRUSTED_ENDPOINT must be 'https://127.0.0.1:<port>|<SHA-256 thumbprint>'.");
        var trusted = new TrustedLoopbackCertificate(endpoint, text[(bar + 1)..]);
        return (trusted._endpoint, trusted._thumbprint);
    }

    public bool Validate(Uri? requestUri, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (requestUri is null || certificate is null) return false;
        return requestUri.Scheme == _endpoint.Scheme
            && string.Equals(requestUri.Host, _endpoint.Host, StringComparison.OrdinalIgnoreCase)
            && requestUri.Port == _endpoint.Port
            && string.Equals(Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())), _thumbprint, StringComparison.OrdinalIgnoreCase);
    }
}
