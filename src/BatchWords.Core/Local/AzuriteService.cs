using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>Azurite's blob service as a local service: where it is installed and how it is started.</summary>
internal static partial class AzuriteService
{
    public const string Name = "azurite";

    /// <summary>What an Azurite blob process's command line contains (wherever the repo or module lives).</summary>
    internal const string CommandLineMarker = "azurite/dist/src/blob/main.js";

    /// <summary>
    /// The storage account's name. Azurite serves any account named in AZURITE_ACCOUNTS on its path-style URLs
    /// (http://127.0.0.1:port/{account}); we keep the familiar name of its built-in account, but never its
    /// published key: the key is this user's own (<see cref="LocalAccountKey"/>).
    /// </summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's accounts ("name:base64key"); setting it REPLACES the built-in account and its public key.</summary>
    internal const string AccountsVariable = "AZURITE_ACCOUNTS";

    /// <summary>Azurite, on node, cannot flock: the launcher takes this lock in the data folder and hands it to Azurite.</summary>
    public static readonly LocalServiceIdentity Identity = new(Name, CommandLineMarker, "azurite.lock", LocksItself: false);

    [GeneratedRegex(@"Azurite Blob service (?:successfully listens on|is successfully listening at) (http\S+)")]
    private static partial Regex ReadyLine();

    /// <summary>
    /// node main.js on a free loopback port. --skipApiVersionCheck: the SDK's newest service version is newer than
    /// Azurite's (we pin too, see StorageClientOptionsFactory); --loose: ignore headers Azurite does not know;
    /// --disableTelemetry: otherwise it sends telemetry to Application Insights; --silent: no access log in the log file.
    /// </summary>
    public static LocalServiceDefinition Define(string mainScript, bool inMemory = false) => new(
        Name,
        NodeLocator.Find(),
        dataDirectory => new List<string>
        {
            mainScript, "--blobHost", "127.0.0.1", "--blobPort", "0",
            inMemory ? "--inMemoryPersistence" : "--location", inMemory ? "" : dataDirectory,
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
        }.Where(a => a.Length > 0).ToList(),
        ReadyLine(),
        accountKey => new Dictionary<string, string> { [AccountsVariable] = $"{AccountName}:{accountKey}" },
        Identity);

    /// <summary>Azurite's blob main.js, found where users install it (see <see cref="AzuriteLocator"/>).</summary>
    public static string LocateMainScript(string? startDirectory = null) => AzuriteLocator.ForCurrentProcess(startDirectory).Locate();
}
