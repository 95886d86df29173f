using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>
/// What the launcher needs to know to run one detached local service: the command line, its account key and
/// how it gets it, the line it prints once it listens (whose first group is the endpoint), and the lock file
/// in its data folder that the running service holds. Adding a service is one more instance of this, built
/// like <see cref="AzuriteService.Define"/>.
/// </summary>
/// <param name="Name">Short name; also the stem of its state, log, key and data paths ("azurite").</param>
/// <param name="FileName">Program to run.</param>
/// <param name="Arguments">Arguments, given the service's data directory.</param>
/// <param name="ReadyLine">Matches the ready line; group 1 is the endpoint URL.</param>
/// <param name="Environment">Extra environment variables, given the account key (secrets go here, never on the command line, which other users can read).</param>
/// <param name="Identity">How a running instance is recognized and which lock in its data folder it holds.</param>
internal sealed record LocalServiceDefinition(
    string Name,
    string FileName,
    Func<string, IReadOnlyList<string>> Arguments,
    Regex ReadyLine,
    Func<string, IReadOnlyDictionary<string, string>> Environment,
    LocalServiceIdentity Identity)
{
    /// <summary>
    /// What else a running instance must have been started with to be reused (the local Entra ID stack's mode and
    /// certificate); recorded in the state file, a different value restarts the service. Empty for the plain stack.
    /// </summary>
    public string Configuration { get; init; } = "";

    /// <summary>The SHA-256 thumbprint of the loopback certificate an HTTPS service presents (probes trust only it); null for HTTP.</summary>
    public string? CertificateThumbprint { get; init; }
}

/// <summary>
/// What identifies a local service's running instances without its state file, so they can be found and stopped
/// even where the program is no longer installed or the state file is damaged.
/// </summary>
/// <param name="Name">Short name ("azurite", "batch-emulator").</param>
/// <param name="CommandLineMarker">A string the running process's command line contains, to tell it from an unrelated process that reused the pid.</param>
/// <param name="DataLockFileName">
/// The lock file in the data folder that a running instance holds (an exclusive flock) for as long as it runs:
/// a second instance cannot start on the same folder, and its holders are the instances to stop.
/// </param>
/// <param name="LocksItself">
/// True when the service takes that lock itself (the Batch emulator); false when the launcher takes it for the
/// service and hands it over as an inherited descriptor (Azurite, which cannot flock).
/// </param>
internal sealed record LocalServiceIdentity(string Name, string CommandLineMarker, string DataLockFileName, bool LocksItself);
