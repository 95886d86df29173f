using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets jobs with their task counts (active, running, completed, succeeded, failed).</summary>
[Cmdlet(VerbsCommon.Get, "BwJob",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwJob))]
public sealed class GetBwJobCommand : BwListCmdlet
{
    /// <summary>A job id, or a wildcard pattern ('words-*'): a pattern that matches nothing is no error.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    [PSDefaultValue(Help = "Every job")]
    public string? Id { get; set; }

    protected override void ProcessRecordCore()
    {
        var jobs = new JobOperations(ResolveContext());
        WriteListing(QueryFor(Id) is { } query ? jobs.GetJobsAsync(query, StopToken) : jobs.GetJobsAsync(Id, StopToken));
    }
}
