using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets jobs with their task counts (active, running, completed, succeeded, failed).</summary>
[Cmdlet(VerbsCommon.Get, "BwJob")]
[OutputType(typeof(BwJob))]
public sealed class GetBwJobCommand : BwCmdlet
{
    /// <summary>A job id, or a wildcard pattern ('words-*'): a pattern that matches nothing is no error.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    [PSDefaultValue(Help = "Every job")]
    public string? Id { get; set; }

    /// <summary>An OData $filter the Batch service applies (e.g. "state eq 'active'").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    [PSDefaultValue(Help = "No limit")]
    public int MaxCount { get; set; }

    protected override void ProcessRecord()
    {
        var context = ResolveContext();
        var jobs = new JobOperations(context);
        var query = IdPatternQuery.From(Id, Filter, MyInvocation.BoundParameters.ContainsKey(nameof(MaxCount)) ? MaxCount : null);
        try
        {
            foreach (var job in Stream(query is null ? jobs.GetJobsAsync(Id, StopToken) : jobs.GetJobsAsync(query, StopToken))) WriteObject(job);
        }
        catch (BwException e) { WriteError(e); }
    }
}
