using System.Management.Automation;
using System.Security;

namespace BatchWords.PowerShell;

/// <summary>
/// Chooses the accounts the session works against: the Local backend (default; starts Azurite when this
/// user has none running) or Azure accounts named by parameters. Makes the context current and emits it.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "BwAccount", DefaultParameterSetName = LocalSet,
    HelpUri = ProjectLinks.Project + "#local-and-azure")]
[OutputType(typeof(BwContext))]
public sealed class ConnectBwAccountCommand : BwCmdlet
{
    private const string LocalSet = "Local";
    private const string SharedKeySet = "SharedKey";
    private const string SasTokenSet = "SasToken";
    private const string ConnectionStringSet = "ConnectionString";
    private const string EntraIdSet = "EntraId";
    private const string LocalEntraIdSet = "LocalEntraId";

    /// <summary>The Local backend (the default when no account is named); with -UseEntraId, the local Entra ID stack.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(Mandatory = true, ParameterSetName = LocalEntraIdSet)]
    public SwitchParameter Local { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SharedKeySet)]
    [Parameter(Mandatory = true, ParameterSetName = SasTokenSet)]
    [Parameter(Mandatory = true, ParameterSetName = EntraIdSet)]
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [ValidateNotNullOrEmpty]
    public string? StorageAccountName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SharedKeySet)]
    public SecureString? StorageAccountKey { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SasTokenSet)]
    [ValidateNotNullOrEmpty]
    public string? SasToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ConnectionStringSet)]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Microsoft Entra ID. With -Local: the local Entra ID stack (Azurite on HTTPS with --oauth, the emulator on
    /// bearer tokens, both refusing shared keys) to rehearse the Entra ID path with no Azure at all.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = EntraIdSet)]
    [Parameter(Mandatory = true, ParameterSetName = LocalEntraIdSet)]
    public SwitchParameter UseEntraId { get; set; }

    /// <summary>
    /// Any Azure.Core TokenCredential (Azure.Identity, Az.Accounts, or one of your own, from any Azure.Core version);
    /// default DefaultAzureCredential for Azure, the stack's own token minter for -Local -UseEntraId.
    /// </summary>
    [Parameter(ParameterSetName = EntraIdSet)]
    [Parameter(ParameterSetName = LocalEntraIdSet)]
    public object? Credential { get; set; }

    /// <summary>Blob endpoint override (sovereign clouds, private endpoints).</summary>
    [Parameter(ParameterSetName = SharedKeySet)]
    [Parameter(ParameterSetName = SasTokenSet)]
    [Parameter(ParameterSetName = EntraIdSet)]
    [PSDefaultValue(Help = "https://{account}.blob.core.windows.net")]
    public Uri? BlobEndpoint { get; set; }

    [Parameter(ParameterSetName = SharedKeySet)]
    [Parameter(ParameterSetName = SasTokenSet)]
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [Parameter(ParameterSetName = EntraIdSet)]
    public Uri? BatchAccountUrl { get; set; }

    [Parameter(ParameterSetName = SharedKeySet)]
    [Parameter(ParameterSetName = SasTokenSet)]
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [Parameter(ParameterSetName = EntraIdSet)]
    [PSDefaultValue(Help = "The first label of -BatchAccountUrl")]
    public string? BatchAccountName { get; set; }

    [Parameter(ParameterSetName = SharedKeySet)]
    [Parameter(ParameterSetName = SasTokenSet)]
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [Parameter(ParameterSetName = EntraIdSet)]
    public SecureString? BatchAccountKey { get; set; }

    // A connection that failed leaves nothing to do: the session keeps its previous context.
    protected override bool IsTerminating(BwException error) => true;

    protected override void EndProcessingCore()
    {
        BwContext context;
        if (Context is not null)
        {
            // -Context switches the session to a context saved earlier (Get-BwContext); nothing to connect.
            if (ParameterSetName is not LocalSet)
                throw new BwException(BwErrorKind.InvalidArgument, BwErrorIds.ContextWithAccountParameters,
                    "-Context cannot be combined with account parameters: it makes an existing context current.",
                    Context, "Pass either -Context, or the account parameters (-StorageAccountName ...).");
            SessionContext.Current = Context;
            WriteVerbose($"Current context: {Context}.");
            WriteObject(Context);
            return;
        }
        if (ParameterSetName is LocalSet or LocalEntraIdSet)
        {
            var entraId = ParameterSetName == LocalEntraIdSet;
            var options = new LocalConnectOptions
            {
                Log = VerboseLog,
                UseEntraId = entraId,
                Credential = Credential is PSObject wrappedCredential ? wrappedCredential.BaseObject : Credential,
            };
            WriteVerbose(entraId
                ? "Connecting to the local Entra ID stack (Azurite on HTTPS with --oauth and the emulator on bearer tokens, both refusing shared keys; started if not running)."
                : "Connecting to the Local backend (Azurite on a loopback port, started if not running).");
            context = Run(ct => Connections.ConnectLocalAsync(options, ct));
        }
        else
        {
            context = Connections.ConnectAzure(new AzureConnectOptions
            {
                StorageAccountName = StorageAccountName,
                StorageAccountKey = StorageAccountKey,
                SasToken = SasToken,
                ConnectionString = ConnectionString,
                UseEntraId = UseEntraId.IsPresent,
                Credential = Credential is PSObject wrapped ? wrapped.BaseObject : Credential,
                BlobEndpoint = BlobEndpoint,
                BatchAccountUrl = BatchAccountUrl,
                BatchAccountName = BatchAccountName,
                BatchAccountKey = BatchAccountKey,
            });
        }
        WriteVerbose($"Connected: {context}.");
        SessionContext.Current = context;
        WriteObject(context);
    }
}
