using System.Collections.Concurrent;
using System.Management.Automation;
using System.Security;

namespace BatchWords.PowerShell;

/// <summary>
/// Chooses the accounts the session works against: the Local backend (default; starts Azurite when this
/// user has none running) or Azure accounts named by parameters. Makes the context current and emits it.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "BwAccount", DefaultParameterSetName = LocalSet)]
[OutputType(typeof(BwContext))]
public sealed class ConnectBwAccountCommand : BwCmdlet
{
    private const string LocalSet = "Local";
    private const string SharedKeySet = "SharedKey";
    private const string SasTokenSet = "SasToken";
    private const string ConnectionStringSet = "ConnectionString";
    private const string EntraIdSet = "EntraId";

    /// <summary>The Local backend (the default when no account is named).</summary>
    [Parameter(ParameterSetName = LocalSet)]
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

    [Parameter(Mandatory = true, ParameterSetName = EntraIdSet)]
    public SwitchParameter UseEntraId { get; set; }

    /// <summary>An Azure.Core TokenCredential (e.g. from Az.Accounts); default DefaultAzureCredential.</summary>
    [Parameter(ParameterSetName = EntraIdSet)]
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

    protected override void EndProcessing()
    {
        BwContext context;
        if (Context is not null)
        {
            // -Context switches the session to a context saved earlier (Get-BwContext); nothing to connect.
            if (ParameterSetName != LocalSet)
            {
                ThrowTerminatingError(InvalidArgument("ContextWithAccountParameters",
                    "-Context cannot be combined with account parameters: it makes an existing context current.",
                    Context, "Pass either -Context, or the account parameters (-StorageAccountName ...)."));
                return;
            }
            SessionContext.Current = Context;
            WriteVerbose($"Current context: {Context}.");
            WriteObject(Context);
            return;
        }
        try
        {
            if (ParameterSetName == LocalSet)
            {
                // Core logs from worker threads; WriteVerbose must run on the pipeline thread, so queue and flush.
                var log = new ConcurrentQueue<string>();
                var options = new LocalConnectOptions { Log = log.Enqueue };
                WriteVerbose("Connecting to the Local backend (Azurite on a loopback port, started if not running).");
                try { context = Run(ct => Connections.ConnectLocalAsync(options, ct)); }
                finally { while (log.TryDequeue(out var line)) WriteVerbose(line); }
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
        }
        catch (BwException error)
        {
            ThrowTerminatingError(error);
            return;
        }
        WriteVerbose($"Connected: {context}.");
        SessionContext.Current = context;
        WriteObject(context);
    }
}
