using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BatchWords;

/// <summary>
/// The self-signed TLS certificate the local Entra ID stack serves Azurite's HTTPS with (Azurite's --oauth needs
/// HTTPS). Made on first use for 127.0.0.1 only and kept in the stack's state folder: the certificate as PEM and
/// its private key as PEM in a file only this user can read (0600). It is never added to a trust store: clients
/// trust it by its SHA-256 thumbprint, for the loopback endpoint alone (<see cref="LoopbackCertificateTrust"/>).
/// Made again when missing, damaged or within <see cref="RenewBefore"/> of its end.
/// </summary>
internal sealed class LocalCertificate
{
    internal const string CertificateFileName = "loopback-cert.pem";
    internal const string KeyFileName = "loopback-key.pem";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private LocalCertificate(string certificatePath, string keyPath, string thumbprint)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
        Thumbprint = thumbprint;
    }

    public string CertificatePath { get; }
    public string KeyPath { get; }

    /// <summary>SHA-256 of the DER certificate, upper-case hex: what clients pin.</summary>
    public string Thumbprint { get; }

    /// <summary>The certificate in <paramref name="stateDirectory"/>, made (or made again) when it cannot be used as is.</summary>
    public static LocalCertificate Ensure(string stateDirectory)
    {
        var certificatePath = Path.Combine(stateDirectory, CertificateFileName);
        var keyPath = Path.Combine(stateDirectory, KeyFileName);
        // Two sessions connecting at once must not each make a certificate (one would hold a key that no longer matches).
        using var _ = TakeLock(Path.Combine(stateDirectory, "loopback-cert.lock"));
        if (TryLoad(certificatePath, keyPath) is { } existing) return existing;
        Create(certificatePath, keyPath);
        return TryLoad(certificatePath, keyPath)
            ?? throw new BwException(BwErrorKind.WriteError, "LocalCertificateUnusable",
                $"The loopback certificate just made in {stateDirectory} cannot be read back.", certificatePath,
                "Check that the folder is writable by you and not shared with another user.");
    }

    public static string ThumbprintOf(X509Certificate certificate)
        => Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));

    private static FileStream TakeLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(100); }
        }
    }

    private static LocalCertificate? TryLoad(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath)) return null;
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow < RenewBefore) return null;
            if (!certificate.HasPrivateKey) return null;
            return new LocalCertificate(certificatePath, keyPath, ThumbprintOf(certificate));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException) { return null; }
    }

    private static void Create(string certificatePath, string keyPath)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=BatchWords local Entra ID stack (127.0.0.1)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build(critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + Lifetime);
        // The key first, private from its first byte; then the certificate; each written whole, then moved in place.
        PrivateFile.Write(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        PrivateFile.Write(certificatePath, certificate.ExportCertificatePem());
    }
}
