using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Jobs of top-N tasks: create the job (if absent) and one task per input file through CreateTasks
/// (chunks of 100, several in flight), read jobs with their task counts, terminate and delete them.
/// </summary>
public sealed class JobOperations
{
    private static readonly HashSet<string> Rules = new(StringComparer.Ordinal) { "tutorial", "letters" };
    private readonly BwContext _context;
    private readonly BatchClient _client;

    public JobOperations(BwContext context) : this(context, BatchClientFactory.Create(context)) { }

    /// <summary>With a given client (tests script its transport).</summary>
    internal JobOperations(BwContext context, BatchClient client)
    {
        _context = context;
        _client = client;
    }

    /// <summary>
    /// Adds one task per input. Inputs already given to a task of this job (same blob) are not added twice:
    /// their existing task is returned, so a re-run with the same files is harmless.
    /// </summary>
    public async Task<JobSubmissionResult> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default)
    {
        Validate(submission);
        var pool = await BatchErrors.Guard($"Reading pool '{submission.PoolId}'", submission.PoolId,
            () => _client.GetPoolAsync(submission.PoolId, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var program = pool.Value.Metadata?.FirstOrDefault(m => m.Name == PoolOperations.ProgramMetadata)?.Value
            ?? throw new BwException(BwErrorKind.InvalidOperation, "PoolHasNoProgram",
                $"Pool '{submission.PoolId}' was not created by New-BwPool, so it has no top-N program installed.", submission.PoolId,
                "Create the pool with New-BwPool (it installs the worker), or pass a pool made by it.");

        var storage = new BwStorageClient(_context);
        await storage.CreateContainerAsync(submission.OutputContainer, cancellationToken).ConfigureAwait(false);
        var outputSas = await storage.GetContainerWriteSasUriAsync(submission.OutputContainer, submission.OutputSasValidity, cancellationToken).ConfigureAwait(false);

        var created = await EnsureJobAsync(submission, cancellationToken).ConfigureAwait(false);
        var existing = created ? new Dictionary<string, BatchTask>() : await ExistingTasksByInputAsync(submission.JobId, cancellationToken).ConfigureAwait(false);
        var nextIndex = NextIndex(existing.Values, submission.TaskIdPrefix);

        var tasks = new List<BwTask>();
        var toAdd = new List<(BatchTaskCreateOptions Options, BwInputFile Input)>();
        // Ids follow the input names, not the order uploads happened to finish in: taskdata1 is topNtask0,
        // as in the tutorial, and a re-run gives each file the same task id.
        foreach (var input in submission.Inputs.OrderBy(i => i.BlobName, StringComparer.Ordinal))
        {
            if (existing.TryGetValue(input.BlobName, out var already))
            {
                submission.Log?.Invoke($"Input '{input.BlobName}' already has task '{already.Id}' in job '{submission.JobId}': not adding it again.");
                tasks.Add(TaskMapper.ToBwTask(already, submission.JobId, _context, input.Path));
                continue;
            }
            toAdd.Add((BuildTask($"{submission.TaskIdPrefix}{nextIndex++}", program, input, outputSas, submission), input));
        }

        var failures = new List<BwException>();
        if (toAdd.Count > 0)
        {
            submission.Log?.Invoke($"Adding {toAdd.Count} task(s) to job '{submission.JobId}' (POST /jobs/{submission.JobId}/addtaskcollection, chunks of at most 100).");
            var result = await BatchErrors.Guard($"Adding tasks to job '{submission.JobId}'", submission.JobId,
                () => _client.CreateTasksAsync(submission.JobId, toAdd.Select(t => t.Options).ToList(), new CreateTasksOptions(), cancellationToken)).ConfigureAwait(false);
            var outcomes = result.Results.ToDictionary(r => r.TaskId ?? "", StringComparer.OrdinalIgnoreCase);
            foreach (var (options, input) in toAdd)
            {
                if (outcomes.TryGetValue(options.Id, out var outcome) && outcome.Status != BatchTaskAddStatus.Success && CreateTasksResult.IsAdded(outcome) &&
                    !await IsSameTaskAsync(submission.JobId, options, input.BlobName, cancellationToken).ConfigureAwait(false))
                {
                    // TaskExists counts as added only for our own task (an attempt whose answer was lost), never another's.
                    failures.Add(new BwException(BwErrorKind.ResourceExists, "TaskIdTaken",
                        $"Task '{options.Id}' for input '{input.BlobName}' was not added: job '{submission.JobId}' already has a different task with that id.",
                        input.BlobName, "Another Start-BwJob may be adding to the same job at the same time: wait for it, then run Start-BwJob again with this file.")
                        { ServiceErrorCode = BatchErrorCodeStrings.TaskExists });
                    continue;
                }
                if (outcome is null || !CreateTasksResult.IsAdded(outcome))
                {
                    failures.Add(new BwException(BwErrorKind.InvalidOperation, "TaskNotAdded",
                        $"Task '{options.Id}' for input '{input.BlobName}' was not added: {outcome?.Error?.Code ?? "no result"}: {outcome?.Error?.Message?.Value}",
                        input.BlobName, "Check the input and the job, then run Start-BwJob again with this file.") { ServiceErrorCode = outcome?.Error?.Code });
                    continue;
                }
                tasks.Add(new BwTask
                {
                    Context = _context,
                    JobId = submission.JobId,
                    TaskId = options.Id,
                    State = "active",
                    InputContainer = input.Container,
                    InputBlobName = input.BlobName,
                    InputPath = input.Path,
                    OutputContainer = submission.OutputContainer,
                    OutputBlobName = TaskCommandLine.OutputNameFor(input.BlobName),
                    PoolId = submission.PoolId,
                });
            }
        }
        return new JobSubmissionResult { Tasks = tasks, Failures = failures, JobCreated = created };
    }

    /// <summary>Jobs (optionally one id) with their task counts.</summary>
    public async IAsyncEnumerable<BwJob> GetJobsAsync(string? id = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (id is null)
        {
            await foreach (var listed in GetJobsAsync(new IdListQuery(), cancellationToken).ConfigureAwait(false)) yield return listed;
            yield break;
        }
        BatchIds.Validate(id, "Job");
        var job = (await BatchErrors.Guard($"Reading job '{id}'", id, () => _client.GetJobAsync(id, cancellationToken: cancellationToken)).ConfigureAwait(false)).Value;
        yield return await DescribeAsync(job, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The jobs a query selects (an id pattern, an OData $filter the service applies, at most MaxCount), with their
    /// task counts. No match is no result, not an error.
    /// </summary>
    public async IAsyncEnumerable<BwJob> GetJobsAsync(IdListQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var jobs = await BatchErrors.Guard("Listing jobs", query.ServiceFilter, () => query.CollectAsync(
            _client.GetJobsAsync(maxresults: query.PageSize, filter: query.ServiceFilter, cancellationToken: cancellationToken),
            j => j.Id, cancellationToken)).ConfigureAwait(false);
        foreach (var job in jobs) yield return await DescribeAsync(job, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job with its task counts (one more request per job).</summary>
    private async Task<BwJob> DescribeAsync(BatchJob job, CancellationToken cancellationToken)
    {
        var counts = await BatchErrors.Guard($"Counting tasks of job '{job.Id}'", job.Id,
            () => _client.GetJobTaskCountsAsync(job.Id!, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var c = counts.Value.TaskCounts;
        return new BwJob
        {
            Context = _context,
            Id = job.Id!,
            State = job.State?.ToString(),
            PoolId = job.PoolInfo?.PoolId,
            CreationTime = job.CreationTime,
            TerminateReason = job.ExecutionInfo?.TerminateReason,
            ActiveTasks = c?.Active ?? 0,
            RunningTasks = c?.Running ?? 0,
            CompletedTasks = c?.Completed ?? 0,
            SucceededTasks = c?.Succeeded ?? 0,
            FailedTasks = c?.Failed ?? 0,
        };
    }

    /// <summary>Tasks of a job (optionally one id, or an OData filter).</summary>
    public async IAsyncEnumerable<BwTask> GetTasksAsync(string jobId, string? taskId = null, string? filter = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(jobId, "Job");
        if (taskId is not null)
        {
            BatchIds.Validate(taskId, "Task");
            var task = await BatchErrors.Guard($"Reading task '{taskId}' of job '{jobId}'", taskId,
                () => _client.GetTaskAsync(jobId, taskId, cancellationToken: cancellationToken)).ConfigureAwait(false);
            yield return TaskMapper.ToBwTask(task.Value, jobId, _context);
            yield break;
        }
        var tasks = new List<BatchTask>();
        await BatchErrors.Guard($"Listing tasks of job '{jobId}'", jobId, async () =>
        {
            await foreach (var task in _client.GetTasksAsync(jobId, filter: filter, select: TaskMapper.Select.Split(','), cancellationToken: cancellationToken).ConfigureAwait(false))
                tasks.Add(task);
        }).ConfigureAwait(false);
        foreach (var task in tasks) yield return TaskMapper.ToBwTask(task, jobId, _context);
    }

    /// <summary>
    /// The ids of the jobs bound to the pool that are not completed or being deleted, except <paramref name="exceptJobId"/>:
    /// a pool with one of these still has work (or will get tasks), so a run that created the pool must not delete
    /// it under them. A job counts while it is active even with no running task: it may be about to add some.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetLiveJobsOnPoolAsync(string poolId, string? exceptJobId = null, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(poolId, "Pool");
        var result = new List<string>();
        await BatchErrors.Guard("Listing jobs", poolId, async () =>
        {
            await foreach (var job in _client.GetJobsAsync(select: new[] { "id", "state", "poolInfo" }, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (job.Id is null || string.Equals(job.Id, exceptJobId, StringComparison.OrdinalIgnoreCase)) continue;
                if (!string.Equals(job.PoolInfo?.PoolId, poolId, StringComparison.OrdinalIgnoreCase)) continue;
                var state = job.State?.ToString();
                if (string.Equals(state, "completed", StringComparison.OrdinalIgnoreCase) || string.Equals(state, "deleting", StringComparison.OrdinalIgnoreCase)) continue;
                result.Add(job.Id);
            }
        }).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Creates the job on the pool unless it exists; true when this call created it. Batch takes a job for a pool
    /// that does not exist yet, so a run can mark its use of a shared pool before it creates or reuses the pool:
    /// another run that finishes then sees this job on it and keeps the pool. It posts first and reads the job only
    /// when it exists already (JobExists): a caller has usually just checked (EnsureUsableIfExistsAsync), and a
    /// second read before the create was a request for nothing.
    /// </summary>
    public async Task<bool> CreateJobIfAbsentAsync(string jobId, string poolId, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(jobId, "Job");
        BatchIds.Validate(poolId, "Pool");
        try
        {
            await _client.CreateJobAsync(new BatchJobCreateOptions(jobId, new BatchPoolInfo { PoolId = poolId }), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409 && e.ErrorCode == BatchErrorCodeStrings.JobExists) { }
        catch (Exception e) when (e is not OperationCanceledException) { throw BatchErrors.Map(e, $"Creating job '{jobId}'", jobId); }
        // Made meanwhile (or before): usable only if active and on this pool; gone again meanwhile, it is not ours either.
        await EnsureUsableIfExistsAsync(jobId, poolId, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// False when the job does not exist; true when it exists, is active and is bound to <paramref name="poolId"/>;
    /// otherwise JobNotActive or JobOnAnotherPool, so a run can refuse a job id before it creates anything.
    /// </summary>
    public async Task<bool> EnsureUsableIfExistsAsync(string jobId, string poolId, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(jobId, "Job");
        BatchIds.Validate(poolId, "Pool");
        BatchJob job;
        try { job = (await _client.GetJobAsync(jobId, cancellationToken: cancellationToken).ConfigureAwait(false)).Value; }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { return false; }
        catch (Exception e) when (e is not OperationCanceledException) { throw BatchErrors.Map(e, $"Reading job '{jobId}'", jobId); }
        EnsureUsable(job, jobId, poolId);
        return true;
    }

    public Task DeleteJobAsync(string id, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(id, "Job");
        return BatchErrors.Guard($"Deleting job '{id}'", id, () => _client.DeleteJobAsync(id, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Terminates the job: running tasks are killed, queued ones never start, and the job accepts no new tasks
    /// (its record, task states and logs stay until it is deleted).
    /// </summary>
    public Task TerminateJobAsync(string id, string? reason = null, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(id, "Job");
        return BatchErrors.Guard($"Terminating job '{id}'", id, () => _client.TerminateJobAsync(id,
            reason is null ? null : new BatchJobTerminateOptions { TerminateReason = reason }, cancellationToken: cancellationToken));
    }

    private static void Validate(JobSubmission submission)
    {
        BatchIds.Validate(submission.JobId, "Job");
        BatchIds.Validate(submission.PoolId, "Pool");
        if (submission.Top < 0)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidTop", $"-Top {submission.Top} is not allowed.", submission.Top, "Pass -Top 0 or more (the tutorial uses 3).");
        if (!Rules.Contains(submission.Rule))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidRule", $"'{submission.Rule}' is not a word rule.", submission.Rule, "Pass -Rule tutorial or -Rule letters.");
        if (submission.Inputs.Count == 0)
            throw new BwException(BwErrorKind.InvalidArgument, "NoInputs", "No input files were given, so there is nothing to run.", null,
                "Pipe the output of Publish-BwInput into Start-BwJob.");
        foreach (var input in submission.Inputs) TaskCommandLine.ValidateFileName(input.BlobName, "input file");
        var duplicate = submission.Inputs.GroupBy(i => i.BlobName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new BwException(BwErrorKind.InvalidArgument, "DuplicateInput",
                $"Input '{duplicate.Key}' was given {duplicate.Count()} times; each task downloads its input by name, and outputs would overwrite each other.",
                duplicate.Key, "Give each input file once.");
    }

    private async Task<bool> EnsureJobAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        try
        {
            var job = (await _client.GetJobAsync(submission.JobId, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            EnsureUsable(job, submission);
            submission.Log?.Invoke($"Job '{submission.JobId}' exists on pool '{submission.PoolId}': adding to it.");
            return false;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { }
        catch (Exception e) when (e is not OperationCanceledException and not BwException) { throw BatchErrors.Map(e, $"Reading job '{submission.JobId}'", submission.JobId); }

        submission.Log?.Invoke($"POST /jobs (id '{submission.JobId}', pool '{submission.PoolId}').");
        var token = CreationToken.New();
        var options = new BatchJobCreateOptions(submission.JobId, new BatchPoolInfo { PoolId = submission.PoolId })
        {
            Metadata = new List<MetadataItem> { CreationToken.Item(token) },
        };
        try
        {
            await _client.CreateJobAsync(options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Azure.RequestFailedException e) when (e.ErrorCode == BatchErrorCodeStrings.JobExists)
        {
            // Either an attempt of this call went through and its answer was lost, or somebody else made it meanwhile.
            var job = (await BatchErrors.Guard($"Reading job '{submission.JobId}'", submission.JobId,
                () => _client.GetJobAsync(submission.JobId, cancellationToken: cancellationToken)).ConfigureAwait(false)).Value;
            if (CreationToken.IsOurs(job.Metadata, token))
            {
                submission.Log?.Invoke($"The answer to creating job '{submission.JobId}' was lost, but the job was created.");
                return true;
            }
            EnsureUsable(job, submission);
            submission.Log?.Invoke($"Job '{submission.JobId}' was created by someone else meanwhile on pool '{submission.PoolId}': adding to it.");
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException) { throw BatchErrors.Map(e, $"Creating job '{submission.JobId}'", submission.JobId); }
    }

    /// <summary>An existing job takes our tasks only while active and on the pool asked for.</summary>
    private static void EnsureUsable(BatchJob job, JobSubmission submission) => EnsureUsable(job, submission.JobId, submission.PoolId);

    private static void EnsureUsable(BatchJob job, string jobId, string poolId)
    {
        var state = job.State?.ToString();
        if (!string.Equals(state, "active", StringComparison.OrdinalIgnoreCase))
            throw new BwException(BwErrorKind.InvalidOperation, "JobNotActive",
                $"Job '{jobId}' exists and is {state}: it accepts no new tasks.", jobId,
                "Use a new -JobId, or remove the job with Remove-BwJob.");
        if (!string.Equals(job.PoolInfo?.PoolId, poolId, StringComparison.OrdinalIgnoreCase))
            throw new BwException(BwErrorKind.InvalidOperation, "JobOnAnotherPool",
                $"Job '{jobId}' exists on pool '{job.PoolInfo?.PoolId}', not '{poolId}'.", jobId,
                "Use a new -JobId, or pass the job's own pool.");
    }

    private async Task<Dictionary<string, BatchTask>> ExistingTasksByInputAsync(string jobId, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, BatchTask>(StringComparer.Ordinal);
        await BatchErrors.Guard($"Listing tasks of job '{jobId}'", jobId, async () =>
        {
            await foreach (var task in _client.GetTasksAsync(jobId, select: TaskMapper.Select.Split(','), cancellationToken: cancellationToken).ConfigureAwait(false))
                if (task.ResourceFiles?.FirstOrDefault()?.FilePath is { } input) result.TryAdd(input, task);
        }).ConfigureAwait(false);
        return result;
    }

    /// <summary>Whether the job's task with this id is the one we sent: same command line, same input.</summary>
    private async Task<bool> IsSameTaskAsync(string jobId, BatchTaskCreateOptions sent, string inputBlobName, CancellationToken cancellationToken)
    {
        var found = (await BatchErrors.Guard($"Reading task '{sent.Id}' of job '{jobId}'", sent.Id,
            () => _client.GetTaskAsync(jobId, sent.Id, select: new[] { "id", "commandLine", "resourceFiles" }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Value;
        return string.Equals(found.CommandLine, sent.CommandLine, StringComparison.Ordinal) &&
               string.Equals(found.ResourceFiles?.FirstOrDefault()?.FilePath, inputBlobName, StringComparison.Ordinal);
    }

    private static int NextIndex(IEnumerable<BatchTask> tasks, string prefix)
    {
        var max = -1;
        foreach (var task in tasks)
            if (task.Id is { } id && id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && int.TryParse(id[prefix.Length..], out var n))
                max = Math.Max(max, n);
        return max + 1;
    }

    private static BatchTaskCreateOptions BuildTask(string taskId, string program, BwInputFile input, Uri outputSas, JobSubmission submission)
    {
        var outputName = TaskCommandLine.OutputNameFor(input.BlobName);
        return new BatchTaskCreateOptions(taskId, TaskCommandLine.RunTopWords(program, input.BlobName, submission.Top, submission.Rule))
        {
            DisplayName = $"top {submission.Top} words of {input.BlobName}",
            ResourceFiles = new List<ResourceFile> { new() { HttpUri = input.GetReadSasUri(), FilePath = input.BlobName } },
            OutputFiles = new List<OutputFile>
            {
                new(outputName,
                    new OutputFileDestination(new OutputFileBlobContainerDestination(outputSas) { Path = outputName }),
                    new OutputFileUploadConfig(OutputFileUploadCondition.TaskSuccess)),
            },
            Constraints = new BatchTaskConstraints
            {
                MaxTaskRetryCount = submission.MaxTaskRetryCount,
                MaxWallClockTime = submission.MaxWallClockTime,
            },
        };
    }
}
