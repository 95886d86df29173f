using System.Globalization;
using System.Text.Json;
using Azure;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// Adds any number of tasks through add-task-collection, the way Azure.Compute.Batch's TasksWorkflowManager does
/// (batch-rest-api.md §5.6, §9), minus its one flaw: a chunk that fails for a reason it does not handle is
/// never dropped. Each task ends with exactly one final result: added, or failed with the error that stopped it.
/// </summary>
/// <remarks>
/// Each task is serialized once, up front; chunks are built from those bytes and sent as they are, so the size
/// limit is checked on exactly what goes over the wire. Task ids stay the same across resends, so resending a
/// chunk that may have partly gone through is safe (the service answers TaskExists for tasks already added).
/// </remarks>
internal sealed class CreateTasksWorkflow
{
    internal const int MaxTasksPerCall = 100;

    /// <summary>The serialized body must be strictly under 1 MiB.</summary>
    internal const int MaxBodyBytes = 1024 * 1024;

    private static readonly byte[] BodyPrefix = "{\"value\":["u8.ToArray();
    private static readonly byte[] BodySuffix = "]}"u8.ToArray();
    private static readonly int EnvelopeBytes = BodyPrefix.Length + BodySuffix.Length;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    internal delegate ValueTask<Response<BatchCreateTaskCollectionResult>> SendChunk(
        ReadOnlyMemory<byte> utf8Body, CancellationToken cancellationToken);

    private readonly SendChunk _send;
    private readonly CreateTasksOptions _options;
    private readonly PendingTask[] _tasks;
    private readonly object _gate = new();
    private readonly LinkedList<PendingTask> _queue = new();
    private int _chunkLimit = MaxTasksPerCall;
    private readonly ThrottleGovernor _throttle;
    private BatchError? _jobLevelError;

    public CreateTasksWorkflow(SendChunk send, IEnumerable<BatchTaskCreateOptions> tasks, CreateTasksOptions options)
    {
        _send = send;
        _options = options;
        _tasks = Prepare(tasks);
        _throttle = new ThrottleGovernor(options.ThrottleDelay, options.MaxTimeBetweenCalls, options.Random);
    }

    /// <summary>One task on its way: its bytes, how often it was resent, and its final result once known.</summary>
    private sealed class PendingTask(string id, byte[] json)
    {
        public string Id { get; } = id;
        public byte[] Json { get; } = json;
        public int Retries { get; set; }
        public BatchTaskCreateResult? Final { get; set; }
    }

    private static PendingTask[] Prepare(IEnumerable<BatchTaskCreateOptions> tasks)
    {
        var prepared = new List<PendingTask>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var task in tasks)
        {
            if (task is null) throw new ArgumentException($"Task #{prepared.Count} is null.", nameof(tasks));
            if (string.IsNullOrEmpty(task.Id)) throw new ArgumentException($"Task #{prepared.Count} has no id.", nameof(tasks));
            // Batch ids are case-insensitive: two such tasks would collide, and one would be misreported as added.
            if (!ids.Add(task.Id)) throw new ArgumentException($"Task id '{task.Id}' is given more than once (ids are case-insensitive).", nameof(tasks));

            var pending = new PendingTask(task.Id, BatchJson.SerializeToUtf8Bytes(task));
            if (EnvelopeBytes + pending.Json.Length >= MaxBodyBytes)
                pending.Final = Failed(pending, BatchErrorCodeStrings.RequestBodyTooLarge,
                    $"Task '{task.Id}' serializes to {pending.Json.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, but a request adding it " +
                    $"must be under {MaxBodyBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, so it was not sent. " +
                    "Move large data (long command lines, environment values) into a resource file.");
            prepared.Add(pending);
        }
        return prepared.ToArray();
    }

    public async Task<CreateTasksResult> RunAsync(CancellationToken cancellationToken)
    {
        foreach (var task in _tasks)
            if (task.Final is null) _queue.AddLast(task);

        var running = new List<Task>();
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    while (running.Count < _options.MaxDegreeOfParallelism && TryTakeChunk(out var chunk))
                        running.Add(SubmitAsync(chunk, cancellationToken));
                }
                if (running.Count == 0) break;

                var finished = await Task.WhenAny(running).ConfigureAwait(false);
                running.Remove(finished);
                await finished.ConfigureAwait(false); // only cancellation (or a bug) surfaces here
            }
        }
        catch
        {
            // Let the other chunks finish (they see the same cancellation) so none is left running unobserved.
            try { await Task.WhenAll(running).ConfigureAwait(false); } catch { /* the first failure is the one reported */ }
            throw;
        }

        return new CreateTasksResult(_tasks.Select(t => t.Final ?? throw new InvalidOperationException(
            $"Task '{t.Id}' ended without a result; this is a bug in CreateTasksAsync.")).ToList());
    }

    /// <summary>Takes the next chunk: up to the current chunk limit, and as many tasks as fit under 1 MiB.</summary>
    private bool TryTakeChunk(out List<PendingTask> chunk)
    {
        chunk = new List<PendingTask>();
        var bodyBytes = EnvelopeBytes;
        while (_queue.First is { } node && chunk.Count < _chunkLimit)
        {
            var added = node.Value.Json.Length + (chunk.Count > 0 ? 1 : 0); // the comma
            if (bodyBytes + added >= MaxBodyBytes) break; // a lone task always fits: Prepare failed the others
            bodyBytes += added;
            chunk.Add(node.Value);
            _queue.RemoveFirst();
        }
        return chunk.Count > 0;
    }

    private async Task SubmitAsync(List<PendingTask> chunk, CancellationToken cancellationToken)
    {
        var gap = _throttle.NextWait();
        if (gap > TimeSpan.Zero) await Task.Delay(gap, cancellationToken).ConfigureAwait(false);

        BatchError? jobLevelError;
        lock (_gate) jobLevelError = _jobLevelError;
        if (jobLevelError is not null)
        {
            FailAll(chunk, jobLevelError);
            return;
        }

        Response<BatchCreateTaskCollectionResult> response;
        try
        {
            response = await _send(BuildBody(chunk), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsBodyTooLarge(e))
        {
            SplitOrFail(chunk, e);
            return;
        }
        catch (RequestFailedException e) when (e.Status is 429 or 503)
        {
            // The pipeline already retried with Retry-After; the service is still throttling (or busy), so space
            // calls out until it accepts them again.
            _throttle.OnThrottled(ThrottleGovernor.RetryAfterOf(e.GetRawResponse()));
            _options.OnThrottleGap?.Invoke(_throttle.Gap);
            await RetryOrFailAsync(chunk, ToBatchError(e), cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (RequestFailedException e) when (IsTransient(e))
        {
            // Still failing after the pipeline's retries. Some of the chunk may have been added: resending is safe.
            await RetryOrFailAsync(chunk, ToBatchError(e), cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (RequestFailedException e)
        {
            var error = ToBatchError(e);
            FailAll(chunk, error);
            // Auth, a missing or ended job: every other chunk would get the same answer, so do not send them.
            if (e.Status is 401 or 403 or 404 or 409) StopSending(error);
            return;
        }
        catch (JsonException e)
        {
            // A 200 whose body cannot be read: which tasks went in is unknown, and resending is safe.
            await RetryOrFailAsync(chunk, Error("InvalidResponseBody", "The add-task-collection response could not be read: " + e.Message),
                cancellationToken).ConfigureAwait(false);
            return;
        }

        _throttle.OnSuccess();
        _options.OnThrottleGap?.Invoke(_throttle.Gap);
        await ApplyResultsAsync(chunk, response.Value, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyResultsAsync(List<PendingTask> chunk, BatchCreateTaskCollectionResult result,
        CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, BatchTaskCreateResult>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in result.Value ?? Array.Empty<BatchTaskCreateResult>())
            if (item.TaskId is not null) byId[item.TaskId] = item;

        var toResend = new List<PendingTask>();
        BatchError? lastServerError = null;
        foreach (var task in chunk)
        {
            if (!byId.TryGetValue(task.Id, out var item))
            {
                // The service answered for some tasks but not this one: resend rather than guess.
                lastServerError ??= Error("NoResultReturned", $"The service returned no result for task '{task.Id}'.");
                toResend.Add(task);
            }
            else if (item.Status == BatchTaskAddStatus.ServerError)
            {
                lastServerError = item.Error ?? Error("ServerError", $"The service could not add task '{task.Id}'.");
                toResend.Add(task);
            }
            else
            {
                // success, TaskExists (counted as added by CreateTasksResult) or another client error (final).
                task.Final = item;
            }
        }

        if (toResend.Count > 0)
            await RetryOrFailAsync(toResend, lastServerError!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// RequestBodyTooLarge does not count as a retry: the chunk is split in two and both halves go back to the
    /// front of the queue, and later chunks are built no larger than those halves.
    /// </summary>
    private void SplitOrFail(List<PendingTask> chunk, RequestFailedException e)
    {
        if (chunk.Count == 1)
        {
            var service = ToBatchError(e);
            chunk[0].Final = Failed(chunk[0], service.Code ?? BatchErrorCodeStrings.RequestBodyTooLarge,
                $"The service refused task '{chunk[0].Id}' on its own as too large ({service.Message?.Value ?? e.Message}). " +
                "Move large data (long command lines, environment values) into a resource file.");
            return;
        }

        var half = (chunk.Count + 1) / 2;
        lock (_gate)
        {
            _chunkLimit = Math.Min(_chunkLimit, half);
            for (var i = chunk.Count - 1; i >= 0; i--) _queue.AddFirst(chunk[i]);
        }
    }

    private async Task RetryOrFailAsync(List<PendingTask> tasks, BatchError lastError, CancellationToken cancellationToken)
    {
        var again = new List<PendingTask>();
        foreach (var task in tasks)
        {
            if (task.Retries >= _options.MaxTaskRetries)
                task.Final = new BatchTaskCreateResult { TaskId = task.Id, Status = BatchTaskAddStatus.ServerError, Error = lastError };
            else
            {
                task.Retries++;
                again.Add(task);
            }
        }
        if (again.Count == 0) return;

        // Back off before the tasks become eligible again: exponential in the number of resends so far.
        var attempt = again.Max(t => t.Retries);
        var delay = TimeSpan.FromTicks(Math.Min(_options.RetryDelay.Ticks * (1L << Math.Min(attempt - 1, 16)), MaxRetryDelay.Ticks));
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        lock (_gate)
            foreach (var task in again) _queue.AddLast(task);
    }

    private void StopSending(BatchError cause)
    {
        List<PendingTask> unsent;
        lock (_gate)
        {
            _jobLevelError ??= cause;
            unsent = _queue.ToList();
            _queue.Clear();
        }
        FailAll(unsent, cause);
    }

    private static void FailAll(IEnumerable<PendingTask> tasks, BatchError error)
    {
        foreach (var task in tasks)
            task.Final = new BatchTaskCreateResult { TaskId = task.Id, Status = BatchTaskAddStatus.ClientError, Error = error };
    }

    private static byte[] BuildBody(List<PendingTask> chunk)
    {
        var length = EnvelopeBytes + chunk.Sum(t => t.Json.Length) + chunk.Count - 1;
        var body = new byte[length];
        var span = body.AsSpan();
        BodyPrefix.CopyTo(span);
        var offset = BodyPrefix.Length;
        for (var i = 0; i < chunk.Count; i++)
        {
            if (i > 0) body[offset++] = (byte)',';
            chunk[i].Json.CopyTo(span[offset..]);
            offset += chunk[i].Json.Length;
        }
        BodySuffix.CopyTo(span[offset..]);
        return body;
    }

    private static bool IsBodyTooLarge(RequestFailedException e) =>
        e.Status == 413 ||
        e.ErrorCode is BatchErrorCodeStrings.RequestBodyTooLarge or BatchErrorCodeStrings.RequestEntityTooLarge;

    /// <summary>No response at all (status 0), a timeout, or a 5xx: worth resending.</summary>
    private static bool IsTransient(RequestFailedException e) => e.Status is 0 or 408 or >= 500;

    private static BatchError ToBatchError(RequestFailedException e) =>
        BatchError.FromException(e) ??
        Error(e.ErrorCode ?? (e.Status == 0 ? "NoResponse" : "Http" + e.Status.ToString(CultureInfo.InvariantCulture)),
            e.Message.Split('\n')[0]);

    private static BatchError Error(string code, string message) =>
        new() { Code = code, Message = new BatchErrorMessage { Lang = "en-US", Value = message } };

    private static BatchTaskCreateResult Failed(PendingTask task, string code, string message) =>
        new() { TaskId = task.Id, Status = BatchTaskAddStatus.ClientError, Error = Error(code, message) };

}
