using System.Collections.Concurrent;
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

    protected override void EndProcessing()
    {
        if (SessionContext.Current is { } current)
        {
            WriteVerbose($"Forgetting the session's context ({current}).");
            SessionContext.Current = null;
        }
        if (!StopLocalServices) return;

        var log = new ConcurrentQueue<string>();
        var stack = new LocalStack(new LocalConnectOptions { Log = log.Enqueue });
        // The local Entra ID stack (Connect-BwAccount -Local -UseEntraId) too, when this user ever started it.
        var entraStack = new LocalStack(new LocalConnectOptions { Log = log.Enqueue, UseEntraId = true });
        var stacks = Directory.Exists(entraStack.StateDirectory) ? new[] { stack, entraStack } : new[] { stack };
        if (!ShouldProcess($"local services in {string.Join(" and ", stacks.Select(s => s.StateDirectory))}", "Stop (SIGTERM)")) return;
        var results = new List<LocalServiceStopResult>();
        try
        {
            foreach (var each in stacks) results.AddRange(Run(ct => each.StopAsync(ct)));
        }
        catch (BwException error) { ThrowTerminatingError(error); return; }
        finally { while (log.TryDequeue(out var line)) WriteVerbose(line); }
        foreach (var result in results)
        {
            if (result.Status == nameof(LocalServiceStopStatus.StillRunning))
                WriteWarning($"{result.Name} (pid {result.ProcessId}) did not exit after SIGTERM; it was not killed, to keep its data. Try again, or stop it yourself once it is idle.");
            WriteObject(result);
        }
    }
}
