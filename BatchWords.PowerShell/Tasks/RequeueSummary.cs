namespace BatchWords.PowerShell;

/// <summary>The one line Wait-BwTask and Invoke-BwTutorial print when Batch requeued tasks (node preempted or removed).</summary>
internal static class RequeueSummary
{
    public static string? Describe(IReadOnlyCollection<BwTask> tasks)
    {
        var requeued = tasks.Where(t => t.RequeueCount > 0).ToList();
        if (requeued.Count == 0) return null;
        return $"{requeued.Count} of {tasks.Count} task(s) were requeued ({requeued.Sum(t => t.RequeueCount)} requeue(s) in all) because their node was preempted or removed; Batch ran them again, and each result is counted once.";
    }
}
