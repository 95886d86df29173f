using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>The session's current context (set by Connect-BwAccount), or nothing when none is connected.</summary>
[Cmdlet(VerbsCommon.Get, "BwContext",
    HelpUri = ProjectLinks.Project + "#local-and-azure")]
[OutputType(typeof(BwContext))]
public sealed class GetBwContextCommand : BwCmdlet
{
    protected override void EndProcessingCore()
    {
        var context = Context ?? SessionContext.Current;
        if (context is null)
        {
            WriteVerbose("No account is connected in this session; run Connect-BwAccount.");
            return;
        }
        WriteObject(context);
    }
}
