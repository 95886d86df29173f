namespace BatchWords;

/// <summary>Options for the Local backend (Azurite and the Batch emulator on this machine, started when not running).</summary>
public sealed class LocalConnectOptions
{
    /// <summary>
    /// Where the local services keep their data, logs and state file. Default: $BATCHWORDS_HOME/local, or
    /// ~/.batchwords/local when BATCHWORDS_HOME is not set.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>How long to wait for a service that is starting to print its ready line. Default 60 s.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The local Entra ID stack: Azurite on HTTPS with --oauth basic and the emulator on bearer tokens, both
    /// refusing shared keys, in their own state folder ($BATCHWORDS_HOME/local-entra) beside the plain stack.
    /// </summary>
    public bool UseEntraId { get; set; }

    /// <summary>
    /// With <see cref="UseEntraId"/>: the Azure.Core TokenCredential to get tokens from (any Azure.Core, adapted);
    /// null for the stack's own, which mints the unsigned tokens the local services accept.
    /// </summary>
    public object? Credential { get; set; }

    /// <summary>Receives one line per step taken (found a running instance, started one...), for -Verbose.</summary>
    public Action<string>? Log { get; set; }
}
