using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace BatchWords.ScriptHost;

/// <summary>
/// Write-Host and Write-Output live in Microsoft.PowerShell.Utility, which the engine package does not ship.
/// These minimal versions (our own code) let build and demo scripts print, as they would in pwsh.
/// </summary>
internal static class PolyfillCmdlets
{
    public static void AddTo(InitialSessionState state)
    {
        state.Commands.Add(new SessionStateCmdletEntry("Write-Host", typeof(WriteHostCommand), null));
        state.Commands.Add(new SessionStateCmdletEntry("Write-Output", typeof(WriteOutputCommand), null));
    }
}

[Cmdlet(VerbsCommunications.Write, "Host")]
public sealed class WriteHostCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromRemainingArguments = true)]
    public object[]? Object { get; set; }

    [Parameter] public SwitchParameter NoNewline { get; set; }
    [Parameter] public ConsoleColor? ForegroundColor { get; set; }

    protected override void ProcessRecord()
    {
        var text = Object is null ? string.Empty : string.Join(' ', Object.Select(o => o?.ToString()));
        var message = new HostInformationMessage { Message = text, NoNewLine = NoNewline.IsPresent, ForegroundColor = ForegroundColor };
        WriteInformation(new InformationRecord(message, "PSHOST") { Tags = { "PSHOST" } });
    }
}

[Cmdlet(VerbsCommunications.Write, "Output")]
public sealed class WriteOutputCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromRemainingArguments = true)]
    [AllowNull, AllowEmptyCollection]
    public PSObject[]? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        foreach (var item in InputObject) WriteObject(item, enumerateCollection: true);
    }
}
