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
        if (!ShouldProcess($"local services in {stack.StateDirectory}", "Stop (SIGTERM)")) return;
        IReadOnlyList<LocalServiceStopResult> results;
        try { results = Run(ct => stack.StopAsync(ct)); }
        catch (BwException error) { ThrowTerminatingError(error); return; }
        finally { while (log.TryDequeue(out var line)) WriteVerbose(line); }
        foreach (var result in results)
        {
            if (result.Status == LocalServiceStopStatus.StillRunning)
                WriteWarning($"{result.Name} (pid {result.ProcessId}) did not exit after SIGTERM; it was not killed, to keep its data. Try again, or stop it yourself once it is idle.");
            WriteObject(result);
        }
    }
}
