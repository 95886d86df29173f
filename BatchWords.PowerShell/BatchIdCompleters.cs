using System.Collections;

namespace BatchWords.PowerShell;

// Tab completion of Batch ids from the connected account: one small page of ids starting with what was typed
// (BatchIdCompletion in Core), within BoundedCompleter's time budget.

/// <summary>Pool ids of the connected Batch account.</summary>
public sealed class PoolIdCompleter : BoundedCompleter
{
    protected override Task<IReadOnlyList<string>> ListAsync(BwContext context, string prefix, IDictionary fakeBoundParameters, CancellationToken cancellationToken)
        => new BatchIdCompletion(context).GetPoolIdsAsync(prefix, cancellationToken);
}

/// <summary>Job ids of the connected Batch account.</summary>
public sealed class JobIdCompleter : BoundedCompleter
{
    protected override Task<IReadOnlyList<string>> ListAsync(BwContext context, string prefix, IDictionary fakeBoundParameters, CancellationToken cancellationToken)
        => new BatchIdCompletion(context).GetJobIdsAsync(prefix, cancellationToken);
}

/// <summary>Task ids of the job given by -JobId on the same command line (none without it).</summary>
public sealed class TaskIdCompleter : BoundedCompleter
{
    protected override Task<IReadOnlyList<string>> ListAsync(BwContext context, string prefix, IDictionary fakeBoundParameters, CancellationToken cancellationToken)
        => Bound(fakeBoundParameters, "JobId") is string jobId
            ? new BatchIdCompletion(context).GetTaskIdsAsync(jobId, prefix, cancellationToken)
            : Task.FromResult<IReadOnlyList<string>>(Array.Empty<string>());
}
