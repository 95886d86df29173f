using System.Diagnostics;
using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Waits for tasks the way the tutorial should have, at any scale. Each poll asks for the job's task counts
/// (one small request); only when they show completions not yet seen does it list tasks, and then only
/// those that completed since the last listing ($filter on state and stateTransitionTime, $select of the few
/// properties needed): a task is downloaded once, not on every poll, so a poll costs a bounded number of
/// requests however many tasks have completed. The delay between polls backs off, each task is reported as
/// it finishes (failed ones with the end of their stderr, fetched several at a time, because completed is
/// not success), and a pool whose start task failed on every node is reported at once instead of after the
/// timeout.
/// </summary>
public sealed class TaskWaiter
{
    private const int StderrTailChars = 2000;

    /// <summary>How many failed tasks' stderr files are read at once.</summary>
    internal const int StderrReadParallelism = 8;

    /// <summary>
    /// Each delta listing reaches back this far before the latest completion already seen (on the service's
    /// clock), in case a completion becomes visible slightly out of order; tasks seen twice are reported once.
    /// </summary>
    internal static readonly TimeSpan ListingOverlap = TimeSpan.FromSeconds(2);

    /// <summary>List anyway after this many polls without a listing (task counts may lag behind the states).</summary>
    internal const int ListAtLeastEveryPolls = 5;

    /// <summary>Listings in a row that leave fewer completions seen than counted before one full re-listing.</summary>
    internal const int ShortListingsBeforeFullListing = 3;

    private readonly BwContext _context;
    private readonly BatchClient _client;

    public TaskWaiter(BwContext context) : this(context, BatchClientFactory.Create(context)) { }

    /// <summary>With a given client (tests script its transport).</summary>
    internal TaskWaiter(BwContext context, BatchClient client)
    {
        _context = context;
        _client = client;
    }

    /// <summary>
    /// Yields progress after each poll and one <see cref="TaskFinished"/> per task as it completes. Ends when
    /// every awaited task has completed; throws a <see cref="BwException"/> (OperationTimeout) naming the
    /// unfinished tasks at the timeout, and one naming the pool when no node of it can run tasks.
    /// </summary>
    public async IAsyncEnumerable<WaitEvent> WaitAsync(WaitRequest request,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(request.JobId, "Job");
        foreach (var id in request.TaskIds ?? Array.Empty<string>()) BatchIds.Validate(id, "Task");
        if (WaitTimeoutBudget.FindViolation(request.Timeout) is { } invalid) throw invalid;

        var wanted = request.TaskIds is { Count: > 0 } ids ? new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase) : null;
        // Awaited tasks not reported yet (null: the whole job, whose size the counts tell).
        var unfinished = wanted is null ? null : new HashSet<string>(wanted, StringComparer.OrdinalIgnoreCase);
        var finished = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // Every completed task of the job seen in a listing, awaited or not: compared with the counts.
        var completedSeen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        DateTimeOffset? watermark = null;
        int succeeded = 0, failed = 0, lastCompleted = -1, lastTotal = -1, pollsWithoutListing = 0, shortListings = 0;
        var clock = Stopwatch.StartNew();
        var delay = request.PollInterval;
        string? poolId = null;
        var poll = 0;

        while (true)
        {
            poll++;
            var counts = await CountsAsync(request, cancellationToken).ConfigureAwait(false);
            var total = counts.Active + counts.Running + counts.Completed;

            // Awaited ids are checked once (one id-only listing), and again only if the job lost tasks.
            if (unfinished is not null && (poll == 1 || total < lastTotal))
                await ThrowIfMissingAsync(request, unfinished, cancellationToken).ConfigureAwait(false);
            lastTotal = total;

            if (poll == 1 || counts.Completed != lastCompleted || completedSeen.Count < counts.Completed || pollsWithoutListing + 1 >= ListAtLeastEveryPolls)
            {
                pollsWithoutListing = 0;
                if (shortListings >= ShortListingsBeforeFullListing) { watermark = null; shortListings = 0; }
                var filter = watermark is { } since
                    ? $"state eq 'completed' and stateTransitionTime ge datetime'{(since - ListingOverlap).UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}'"
                    : "state eq 'completed'";
                var completed = await ListAsync(request, filter, TaskMapper.Select + ",stateTransitionTime", cancellationToken).ConfigureAwait(false);

                var fresh = new List<BatchTask>();
                foreach (var task in completed)
                {
                    if (task.Id is null) continue;
                    if (task.StateTransitionTime is { } at && (watermark is null || at > watermark)) watermark = at;
                    completedSeen.Add(task.Id);
                    if ((wanted is null || wanted.Contains(task.Id)) && finished.Add(task.Id)) fresh.Add(task);
                }
                shortListings = completedSeen.Count < counts.Completed ? shortListings + 1 : 0;

                var tails = await ReadStderrTailsAsync(request.JobId, fresh.Select(t => TaskMapper.ToBwTask(t, request.JobId, _context)).ToList(), cancellationToken).ConfigureAwait(false);
                foreach (var (bw, tail) in tails)
                {
                    if (bw.Succeeded) succeeded++; else failed++;
                    unfinished?.Remove(bw.TaskId);
                    yield return new TaskFinished { Task = bw, StderrTail = tail };
                }
            }
            else pollsWithoutListing++;
            lastCompleted = counts.Completed;

            var expected = wanted?.Count ?? Math.Max(total, finished.Count);
            var remaining = unfinished?.Count ?? expected - finished.Count;
            var running = Math.Min(counts.Running, remaining);
            yield return new WaitProgress
            {
                Total = expected, Active = remaining - running, Running = running, Succeeded = succeeded, Failed = failed,
                Elapsed = clock.Elapsed, Timeout = request.Timeout,
            };

            // The whole job is done when the counts show nothing left and every completion was seen.
            if (unfinished is not null ? unfinished.Count == 0 : counts.Active + counts.Running == 0 && remaining <= 0) yield break;

            if (counts.Active > 0 && counts.Running == 0 && poll % 3 == 1)
                await ThrowIfNoUsableNodeAsync(request, poolId ??= await PoolOfJobAsync(request.JobId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

            if (clock.Elapsed >= request.Timeout)
            {
                // Once, at the end: the states of what is left, for the message.
                var pending = await ListAsync(request, "state ne 'completed'", "id,state", cancellationToken).ConfigureAwait(false);
                var names = pending.Where(t => t.Id is not null && (wanted is null || wanted.Contains(t.Id)) && !finished.Contains(t.Id))
                    .Select(t => $"{t.Id} ({t.State})").ToList();
                var count = unfinished?.Count ?? names.Count;
                throw new BwException(BwErrorKind.OperationTimeout, "WaitTimedOut",
                    $"{count} task(s) of job '{request.JobId}' did not complete within {request.Timeout}: {string.Join(", ", names.Take(20))}{(names.Count > 20 ? ", ..." : "")}.",
                    request.JobId, "Wait longer with a larger -Timeout, or check the pool's nodes with Get-BwPool and the tasks with Get-BwTask.");
            }

            var left = request.Timeout - clock.Elapsed;
            await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(request.MaxPollInterval.Ticks, (long)(delay.Ticks * 1.5)));
        }
    }

    private async Task<BatchTaskCounts> CountsAsync(WaitRequest request, CancellationToken cancellationToken)
    {
        request.Log?.Invoke($"GET /jobs/{request.JobId}/taskcounts");
        var result = await BatchErrors.Guard($"Reading the task counts of job '{request.JobId}'", request.JobId,
            () => _client.GetJobTaskCountsAsync(request.JobId, cancellationToken)).ConfigureAwait(false);
        return result.Value.TaskCounts ?? new BatchTaskCounts();
    }

    /// <summary>Hash lookups against one id-only listing of the job: linear, whatever the number awaited.</summary>
    private async Task ThrowIfMissingAsync(WaitRequest request, HashSet<string> unfinished, CancellationToken cancellationToken)
    {
        var existing = (await ListAsync(request, null, "id", cancellationToken).ConfigureAwait(false))
            .Select(t => t.Id).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = unfinished.Count(id => !existing.Contains(id));
        if (missing > 0)
            throw new BwException(BwErrorKind.ObjectNotFound, "TaskNotFound",
                $"{missing} of the awaited task(s) do not exist in job '{request.JobId}'.", request.JobId,
                "Check the task ids with Get-BwTask -JobId; the job may have been deleted.");
    }

    /// <summary>Reads the stderr tails of the failed tasks among <paramref name="tasks"/>, a few at a time; keeps the order.</summary>
    private async Task<List<(BwTask Task, string? Tail)>> ReadStderrTailsAsync(string jobId, List<BwTask> tasks, CancellationToken cancellationToken)
    {
        var tails = new string?[tasks.Count];
        var failedIndexes = Enumerable.Range(0, tasks.Count).Where(i => !tasks[i].Succeeded).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = StderrReadParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(failedIndexes, parallel, async (i, token) =>
            tails[i] = await ReadStderrTailAsync(jobId, tasks[i].TaskId, token).ConfigureAwait(false)).ConfigureAwait(false);
        return tasks.Select((t, i) => (t, tails[i])).ToList();
    }

    private async Task<List<BatchTask>> ListAsync(WaitRequest request, string? filter, string select, CancellationToken cancellationToken)
    {
        request.Log?.Invoke($"GET /jobs/{request.JobId}/tasks?{(filter is null ? "" : $"$filter={filter}&")}$select={select}");
        var result = new List<BatchTask>();
        await BatchErrors.Guard($"Listing tasks of job '{request.JobId}'", request.JobId, async () =>
        {
            await foreach (var task in _client.GetTasksAsync(request.JobId, filter: filter, select: select.Split(','), cancellationToken: cancellationToken).ConfigureAwait(false))
                result.Add(task);
        }).ConfigureAwait(false);
        return result;
    }

    private async Task<string?> PoolOfJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await BatchErrors.Guard($"Reading job '{jobId}'", jobId, () => _client.GetJobAsync(jobId, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return job.Value.PoolInfo?.PoolId;
    }

    /// <summary>
    /// Tasks never run on a pool whose nodes all failed their start task (waitForSuccess): the tutorial
    /// waited out its timeout here. Report it with the start task's stderr instead.
    /// </summary>
    private async Task ThrowIfNoUsableNodeAsync(WaitRequest request, string? poolId, CancellationToken cancellationToken)
    {
        if (poolId is null) return;
        var nodes = new List<BatchNode>();
        try
        {
            await foreach (var node in _client.GetNodesAsync(poolId, select: new[] { "id", "state", "startTaskInfo" }, cancellationToken: cancellationToken).ConfigureAwait(false))
                nodes.Add(node);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            throw new BwException(BwErrorKind.ObjectNotFound, "PoolNotFound", $"Job '{request.JobId}' runs on pool '{poolId}', which does not exist.", poolId,
                "Create the pool with New-BwPool -Id " + poolId + ", or remove the job with Remove-BwJob.");
        }
        if (nodes.Count == 0) return;
        var unusable = nodes.Where(n => n.State is { } s && (s == BatchNodeState.StartTaskFailed || s == BatchNodeState.Unusable)).ToList();
        if (unusable.Count < nodes.Count) return;

        string? stderr = null;
        try
        {
            var data = await _client.GetNodeFileAsync(poolId, unusable[0].Id!, "startup/stderr.txt", cancellationToken: cancellationToken).ConfigureAwait(false);
            stderr = Tail(data.Value.ToString());
        }
        catch (Azure.RequestFailedException) { /* the node may not have a stderr file */ }
        var exitCode = unusable[0].StartTaskInfo?.ExitCode;
        // A start task that never ran (its program could not be downloaded) has no exit code and no stderr:
        // the failure info is then the only account of why, e.g. BlobNotFound once the container was removed.
        var failure = unusable[0].StartTaskInfo?.FailureInfo;
        var downloadFailed = failure?.Code is { } code && (code.StartsWith("Blob", StringComparison.Ordinal) || code.StartsWith("ResourceContainer", StringComparison.Ordinal));
        throw new BwException(BwErrorKind.TaskFailed, "StartTaskFailed",
            $"No node of pool '{poolId}' can run tasks: the start task failed on {unusable.Count} of {nodes.Count} node(s)" +
            (exitCode is null ? "" : $" (exit code {exitCode})") +
            (failure?.Code is null ? "" : $": {failure.Code}{(string.IsNullOrWhiteSpace(failure.Message) ? "" : $": {failure.Message}")}") +
            (string.IsNullOrWhiteSpace(stderr) ? "." : $". Its stderr ends with:\n{stderr}"),
            poolId, stderr?.Contains("ProgramIntegrityCheckFailed", StringComparison.Ordinal) == true
                ? "The program blob in the pool's application container was replaced after New-BwPool uploaded it, so it was not installed. Check who can write to that container; then run New-BwPool again (it puts the right program back under its SHA-256 name) and remove and re-create this pool."
                : downloadFailed
                ? "The start task could not download the program from the pool's application container (was it removed while the pool lived?): remove the pool with Remove-BwPool, then create it again with New-BwPool."
                : "Fix the program the start task installs (New-BwPool -Program), then remove and re-create the pool.");
    }

    private async Task<string?> ReadStderrTailAsync(string jobId, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            var data = await _client.GetTaskFileAsync(jobId, taskId, "stderr.txt", cancellationToken: cancellationToken).ConfigureAwait(false);
            return Tail(data.Value.ToString());
        }
        catch (Azure.RequestFailedException) { return null; } // never ran (e.g. resource file failure): no stderr.txt
    }

    internal static string? Tail(string text)
    {
        text = text.TrimEnd();
        if (text.Length == 0) return null;
        return text.Length <= StderrTailChars ? text : "..." + text[^StderrTailChars..];
    }
}
