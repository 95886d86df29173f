using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Forgets the session's current context; with -StopLocalServices also stops this user's local services
/// (Azurite) with SIGTERM, so their data is saved, and reports each.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "BwAccount", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#local-and-azure")]
[OutputType(typeof(LocalServiceStopResult))]
public sealed class DisconnectBwAccountCommand : BwCmdlet
{
    /// <summary>Also stop the local services (Azurite) this user runs.</summary>
    [Parameter]
    public SwitchParameter StopLocalServices { get; set; }

    // Stopping the services failed (a pid file unreadable, SIGTERM refused): nothing was stopped to report.
    protected override bool IsTerminating(BwException error) => true;

    protected override void EndProcessingCore()
    {
        if (SessionContext.Current is { } current)
        {
            WriteVerbose($"Forgetting the session's context ({current}).");
            SessionContext.Current = null;
        }
        if (!StopLocalServices) return;

        var stack = new LocalStack(new LocalConnectOptions { Log = VerboseLog });
        // The local Entra ID stack (Connect-BwAccount -Local -UseEntraId) too, when this user ever started it.
        var entraStack = new LocalStack(new LocalConnectOptions { Log = VerboseLog, UseEntraId = true });
        var stacks = Directory.Exists(entraStack.StateDirectory) ? new[] { stack, entraStack } : new[] { stack };
        if (!ShouldProcess($"local services in {string.Join(" and ", stacks.Select(s => s.StateDirectory))}", "Stop (SIGTERM)")) return;
        var results = new List<LocalServiceStopResult>();
        foreach (var each in stacks) results.AddRange(Run(ct => each.StopAsync(ct)));
        foreach (var result in results)
        {
            if (result.Status == nameof(LocalServiceStopStatus.StillRunning))
                WriteWarning($"{result.Name} (pid {result.ProcessId}) did not exit after SIGTERM; it was not killed, to keep its data. Try again, or stop it yourself once it is idle.");
            WriteObject(result);
        }
    }
}
