using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets the tasks of a job (all, one, or those matching an OData filter).</summary>
[Cmdlet(VerbsCommon.Get, "BwTask",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwTask))]
public sealed class GetBwTaskCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string JobId { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    [PSDefaultValue(Help = "Every task of the job")]
    public string? TaskId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    protected override void ProcessRecordCore()
    {
        var context = ResolveContext();
        foreach (var task in Stream(new JobOperations(context).GetTasksAsync(JobId, TaskId, Filter, StopToken))) WriteObject(task);
    }
}
