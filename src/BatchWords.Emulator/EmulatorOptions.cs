using System.Text.RegularExpressions;

namespace BatchWords.Emulator;

/// <summary>How to run an emulator: its account, where node sandboxes live, and the loopback port (0 = any free one).</summary>
public sealed partial class EmulatorOptions
{
    /// <summary>The Batch account name clients sign with (3 to 24 lowercase letters and digits).</summary>
    public required string AccountName { get; init; }

    /// <summary>The account key, base64 of at least 32 bytes. Never logged.</summary>
    public required string AccountKey { get; init; }

    /// <summary>Node sandboxes go to &lt;DataDirectory&gt;/pools/&lt;poolId&gt;/&lt;nodeId&gt;.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The port on 127.0.0.1; 0 picks a free one. The emulator never binds another address.</summary>
    public int Port { get; init; }

    /// <summary>When set, "Authorization: Bearer {token}" with exactly this token is accepted too.</summary>
    public string? BearerToken { get; init; }

    /// <summary>
    /// Microsoft Entra ID only: bearer tokens for https://batch.core.windows.net/ checked (audience, exp, nbf) and
    /// Shared Key refused, as on an account whose allowedAuthenticationModes is AAD alone. The local Entra ID stack.
    /// </summary>
    public bool EntraIdOnly { get; init; }

    /// <summary>
    /// One HTTPS endpoint (scheme://host:port) on loopback whose self-signed certificate, by SHA-256 thumbprint, the
    /// nodes trust for resource files and output files: the local Entra ID stack's Azurite. Null: platform trust only.
    /// </summary>
    public (Uri Endpoint, string Thumbprint)? TrustedEndpoint { get; init; }

    /// <summary>Test-only fault mode (BATCHWORDS_EMULATOR_FAULTS): throttling, 503s and dropped connections; null for none.</summary>
    public global::BatchWords.Emulator.Faults.FaultSettings? Faults { get; init; }

    /// <summary>
    /// The least time a deleted job or pool stays visible as deleting, and a job terminated by request as
    /// terminating, before it goes (404) or completes. On Azure these states last seconds to minutes; a short stay
    /// makes clients' polling through them run here too. Zero: gone as soon as nothing of it runs any more.
    /// </summary>
    public TimeSpan TransientStateStay { get; init; } = DefaultTransientStateStay;

    public static TimeSpan DefaultTransientStateStay { get; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Stop on SIGTERM/Ctrl+C (the executable); off for in-process hosts such as tests.</summary>
    public bool HandleTerminationSignals { get; init; }

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountNamePattern();

    /// <summary>The decoded key; throws <see cref="ArgumentException"/> naming what is wrong (never the key itself).</summary>
    public byte[] Validate()
    {
        if (!AccountNamePattern().IsMatch(AccountName ?? ""))
            throw new ArgumentException($"The account name '{AccountName}' is not valid: use 3 to 24 lowercase letters and digits.");
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new ArgumentException("The data directory is missing.");
        if (Port is < 0 or > 65535) throw new ArgumentException($"The port {Port} is not valid: use 0 (any free port) to 65535.");
        if (TransientStateStay < TimeSpan.Zero || TransientStateStay > TimeSpan.FromMinutes(10))
            throw new ArgumentException($"The transient state stay {TransientStateStay.TotalMilliseconds} ms is not valid: use 0 to 600000 ms.");
        byte[] key;
        try { key = Convert.FromBase64String(AccountKey ?? ""); }
        catch (FormatException) { throw new ArgumentException("The account key is not valid base64."); }
        if (key.Length < 32) throw new ArgumentException($"The account key decodes to {key.Length} bytes; at least 32 are required.");
        return key;
    }
}
