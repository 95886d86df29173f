using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets a task's stdout.txt or stderr.txt from its node, as text.</summary>
[Cmdlet(VerbsCommon.Get, "BwTaskLog")]
[OutputType(typeof(string))]
public sealed class GetBwTaskLogCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string JobId { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string TaskId { get; set; } = "";

    [Parameter]
    public TaskLogStream Stream { get; set; } = TaskLogStream.Stdout;

    protected override void ProcessRecord()
    {
        var context = ResolveContext();
        try { WriteObject(Run(ct => new TaskLogReader(context).ReadAsync(JobId, TaskId, Stream, ct))); }
        catch (BwException e) { WriteError(e); }
    }
}
