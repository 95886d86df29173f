using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Deletes jobs with their tasks and task files. Asks first unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "BwJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(string))]
public sealed class RemoveBwJobCommand : BwCmdlet
{
    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore() => ForEachTarget(Id, id =>
    {
        // Piping a job's tasks binds the same JobId once per task: delete it once.
        if (!_done.Add(id)) return;
        if (!ConfirmDestructive($"job '{id}'", "Delete Batch job and its tasks", $"Delete job '{id}' with all its tasks and their files?", Force)) return;
        var context = ResolveContext();
        WriteVerbose($"DELETE /jobs/{id}");
        Run(ct => new JobOperations(context).DeleteJobAsync(id, ct));
        if (PassThru) WriteObject(id);
    });
}
