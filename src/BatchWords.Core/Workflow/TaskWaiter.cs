using System.Diagnostics;
using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Waits for tasks the way the tutorial should have: each poll asks only for what changed state
/// ($filter on state, $select of the few properties needed) instead of every full task object every
/// second, the delay between polls backs off, each task is reported as it finishes (failed ones with the
/// end of their stderr, because completed is not success), and a pool whose start task failed on every
/// node is reported at once instead of after the timeout.
/// </summary>
public sealed class TaskWaiter
{
    private const int StderrTailChars = 2000;
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
        if (request.Timeout <= TimeSpan.Zero)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidTimeout", $"A timeout of {request.Timeout} is not allowed.", request.Timeout, "Pass a positive -Timeout such as 00:20:00.");

        var wanted = request.TaskIds is { Count: > 0 } ids ? new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase) : null;
        var finished = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int succeeded = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        var delay = request.PollInterval;
        string? poolId = null;
        var poll = 0;

        while (true)
        {
            poll++;
            // Unfinished tasks first (id and state only), then the completed ones (no whole objects either).
            // In this order a task that completes between the two queries is in both lists, never in
            // neither: the other order made such a task look as if it did not exist.
            var pending = await ListAsync(request, "state ne 'completed'", "id,state", cancellationToken).ConfigureAwait(false);
            var completed = await ListAsync(request, "state eq 'completed'", TaskMapper.Select, cancellationToken).ConfigureAwait(false);
            foreach (var task in completed)
            {
                if (task.Id is null || (wanted is not null && !wanted.Contains(task.Id)) || !finished.Add(task.Id)) continue;
                var bw = TaskMapper.ToBwTask(task, request.JobId, _context);
                string? tail = null;
                if (bw.Succeeded) succeeded++;
                else { failed++; tail = await ReadStderrTailAsync(request.JobId, task.Id, cancellationToken).ConfigureAwait(false); }
                yield return new TaskFinished { Task = bw, StderrTail = tail };
            }

            var pendingWanted = pending.Where(t => t.Id is not null && (wanted is null || wanted.Contains(t.Id)) && !finished.Contains(t.Id)).ToList();
            var running = pendingWanted.Count(t => t.State == BatchTaskState.Running || t.State == BatchTaskState.Preparing);
            var active = pendingWanted.Count - running;
            var total = wanted?.Count ?? finished.Count + pendingWanted.Count;
            yield return new WaitProgress
            {
                Total = total, Active = active, Running = running, Succeeded = succeeded, Failed = failed,
                Elapsed = clock.Elapsed, Timeout = request.Timeout,
            };

            var missing = wanted is null ? 0 : wanted.Count(id => !finished.Contains(id) && !pendingWanted.Any(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)));
            if (missing > 0)
                throw new BwException(BwErrorKind.ObjectNotFound, "TaskNotFound",
                    $"{missing} of the awaited task(s) do not exist in job '{request.JobId}'.", request.JobId,
                    "Check the task ids with Get-BwTask -JobId; the job may have been deleted.");
            if (pendingWanted.Count == 0) yield break;

            if (active > 0 && running == 0 && poll % 3 == 1)
                await ThrowIfNoUsableNodeAsync(request, poolId ??= await PoolOfJobAsync(request.JobId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

            if (clock.Elapsed >= request.Timeout)
            {
                var names = pendingWanted.Select(t => $"{t.Id} ({t.State})").ToList();
                throw new BwException(BwErrorKind.OperationTimeout, "WaitTimedOut",
                    $"{names.Count} task(s) of job '{request.JobId}' did not complete within {request.Timeout}: {string.Join(", ", names.Take(20))}{(names.Count > 20 ? ", ..." : "")}.",
                    request.JobId, "Wait longer with a larger -Timeout, or check the pool's nodes with Get-BwPool and the tasks with Get-BwTask.");
            }

            var remaining = request.Timeout - clock.Elapsed;
            await Task.Delay(delay < remaining ? delay : remaining, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(request.MaxPollInterval.Ticks, (long)(delay.Ticks * 1.5)));
        }
    }

    private async Task<List<BatchTask>> ListAsync(WaitRequest request, string filter, string select, CancellationToken cancellationToken)
    {
        request.Log?.Invoke($"GET /jobs/{request.JobId}/tasks?$filter={filter}&$select={select}");
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
