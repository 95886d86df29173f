using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>
/// What the launcher needs to know to run one detached local service: the command line, extra environment,
/// and the line it prints once it listens (whose first group is the endpoint). Adding a service (the Batch
/// emulator) is one more instance of this, built like <see cref="AzuriteService.Define"/>.
/// </summary>
/// <param name="Name">Short name; also the stem of its state, log and data paths ("azurite").</param>
/// <param name="FileName">Program to run (resolved on PATH by /bin/sh).</param>
/// <param name="Arguments">Arguments, given the service's data directory.</param>
/// <param name="ReadyLine">Matches the ready line; group 1 is the endpoint URL.</param>
/// <param name="Environment">Extra environment variables (secrets here never reach the log or state file).</param>
/// <param name="CommandLineMarker">A string the running process's command line contains, to tell it from an unrelated process that reused the pid.</param>
internal sealed record LocalServiceDefinition(
    string Name,
    string FileName,
    Func<string, IReadOnlyList<string>> Arguments,
    Regex ReadyLine,
    IReadOnlyDictionary<string, string> Environment,
    string CommandLineMarker);
