using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets jobs with their task counts (active, running, completed, succeeded, failed).</summary>
[Cmdlet(VerbsCommon.Get, "BwJob",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwJob))]
public sealed class GetBwJobCommand : BwCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    protected override void ProcessRecord()
    {
        var context = ResolveContext();
        try
        {
            foreach (var job in Stream(new JobOperations(context).GetJobsAsync(Id, StopToken))) WriteObject(job);
        }
        catch (BwException e) { WriteError(e); }
    }
}
