namespace BatchWords.Batch;

/// <summary>
/// The outcome of <see cref="BatchClient.CreateTasksAsync"/>: one result for every task given, in the order given.
/// A task counts as added when its status is success, or when it is a clienterror TaskExists (an earlier
/// attempt, possibly a retry of this very call, already added it).
/// </summary>
public sealed class CreateTasksResult
{
    internal CreateTasksResult(IReadOnlyList<BatchTaskCreateResult> results)
    {
        Results = results;
        PassCount = results.Count(IsAdded);
        FailCount = results.Count - PassCount;
    }

    public int PassCount { get; }
    public int FailCount { get; }
    public IReadOnlyList<BatchTaskCreateResult> Results { get; }

    /// <summary>The results of tasks that were not added, with their errors.</summary>
    public IEnumerable<BatchTaskCreateResult> Failures => Results.Where(r => !IsAdded(r));

    /// <summary>Whether a per-task result means the task exists in the job now.</summary>
    public static bool IsAdded(BatchTaskCreateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status == BatchTaskAddStatus.Success ||
               (result.Status == BatchTaskAddStatus.ClientError &&
                string.Equals(result.Error?.Code, BatchErrorCodeStrings.TaskExists, StringComparison.Ordinal));
    }
}
