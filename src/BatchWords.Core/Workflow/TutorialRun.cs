namespace BatchWords;

/// <summary>
/// One tutorial run's own steps, on the same Core operations the cmdlets use: the checks made before anything is
/// created, the job created before the pool, and a cleanup that deletes only what <see cref="Ledger"/> says the run
/// created. The uploads, the wait and the downloads are the plain Core calls (BwStorageClient, TaskWaiter); the
/// caller reports them.
/// </summary>
public sealed class TutorialRun
{
    /// <summary>The container New-BwPool puts the worker in; shared by pools, so deleted only with the run's own pool.</summary>
    public const string ApplicationContainer = "application";

    private readonly BwContext _context;
    private JobOperations? _jobs;
    private PoolOperations? _pools;
    private bool _jobExisted;

    public TutorialRun(BwContext context, string jobId, string poolId)
    {
        _context = context;
        InputContainer = TutorialRunNames.InputContainerFor(jobId);
        OutputContainer = TutorialRunNames.OutputContainerFor(jobId);
        Storage = new BwStorageClient(context);
        Ledger = new TutorialRunLedger(jobId, poolId);
    }

    // Made on first use: the storage steps need no Batch account (and are tested on Azurite alone).
    private JobOperations Jobs => _jobs ??= new JobOperations(_context);
    private PoolOperations Pools => _pools ??= new PoolOperations(_context);

    public TutorialRunLedger Ledger { get; }
    public BwStorageClient Storage { get; }
    public string JobId => Ledger.JobId;
    public string PoolId => Ledger.PoolId;
    public string InputContainer { get; }
    public string OutputContainer { get; }

    /// <summary>A job id taken by a job on another pool (or no longer active) is refused before anything is created.</summary>
    public async Task CheckJobIdAsync(CancellationToken cancellationToken)
        => _jobExisted = await Jobs.EnsureUsableIfExistsAsync(JobId, PoolId, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Creates (or finds) the application, input and output containers. An output container that existed before
    /// and already holds an output of these inputs is refused (OutputBlobExists): a task would overwrite it and
    /// the cleanup would then delete it.
    /// </summary>
    public async Task CreateContainersAsync(IEnumerable<string> inputFiles, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { ApplicationContainer, InputContainer, OutputContainer })
            Ledger.RecordContainer(name, Enum.Parse<ContainerStatus>((await Storage.CreateContainerAsync(name, cancellationToken).ConfigureAwait(false)).Status));
        if (Ledger.CreatedContainer(OutputContainer)) return;
        var outputs = inputFiles.Select(f => TaskCommandLine.OutputNameFor(Path.GetFileName(f))).ToList();
        var taken = await Storage.GetExistingBlobNamesAsync(OutputContainer, outputs, cancellationToken).ConfigureAwait(false);
        if (taken.Count > 0)
            throw new BwException(BwErrorKind.ResourceExists, BwErrorIds.OutputBlobExists,
                $"Container '{OutputContainer}' existed before this run and already holds {string.Join(", ", taken.Select(t => $"'{t}'"))}, which this run's tasks would overwrite; nothing was run.",
                OutputContainer, "Pass another -JobId (the run's containers are named after it), or move those blobs away.");
    }

    /// <summary>
    /// The job is created before the pool is created or reused: another run that shares the pool and finishes
    /// meanwhile then sees this job on it and keeps the pool (Batch accepts a job for a pool not created yet).
    /// </summary>
    public async Task CreateJobAsync(CancellationToken cancellationToken)
        => Ledger.JobCreated = !_jobExisted && await Jobs.CreateJobIfAbsentAsync(JobId, PoolId, cancellationToken).ConfigureAwait(false);

    public async Task<BwPool> CreateOrReusePoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        var pool = await Pools.CreateOrReuseAsync(request, cancellationToken).ConfigureAwait(false);
        Ledger.PoolCreated = pool.ProvisioningKind == PoolProvisioning.Created;
        return pool;
    }

    public Task<JobSubmissionResult> SubmitAsync(IReadOnlyList<BwInputFile> inputs, int top, Action<string>? log, CancellationToken cancellationToken)
        => Jobs.SubmitAsync(new JobSubmission { JobId = JobId, PoolId = PoolId, Inputs = inputs, Top = top, OutputContainer = OutputContainer, Log = log }, cancellationToken);

    /// <summary>
    /// The run's own container is deleted whole (null is returned); from one that existed before, only the blobs the
    /// run wrote (their count is returned).
    /// </summary>
    public async Task<int?> RemoveWhatTheRunWroteAsync(string container, CancellationToken cancellationToken)
    {
        if (Ledger.CreatedContainer(container))
        {
            await Storage.DeleteContainerAsync(container, cancellationToken).ConfigureAwait(false);
            Ledger.RecordContainerRemoved(container);
            return null;
        }
        var blobs = Ledger.BlobsWrittenInto(container);
        if (blobs.Count > 0) Ledger.RecordBlobsDeleted(container, await Storage.DeleteBlobsAsync(container, blobs, cancellationToken).ConfigureAwait(false));
        return blobs.Count;
    }

    /// <summary>Live jobs other than this run's on the pool: two runs share the default pool, and the first to finish must not delete it under the other.</summary>
    public Task<IReadOnlyList<string>> OtherJobsOnPoolAsync(CancellationToken cancellationToken)
        => Jobs.GetLiveJobsOnPoolAsync(PoolId, JobId, cancellationToken);

    public async Task DeleteJobAsync(CancellationToken cancellationToken)
    {
        await Jobs.DeleteJobAsync(JobId, cancellationToken).ConfigureAwait(false);
        Ledger.JobDeleted = true;
    }

    /// <summary>
    /// Deletes the run's pool, then the application container if the run created it and no other live pool's start
    /// task downloads from it. Null when nothing of the run's is left; else why the container was kept.
    /// </summary>
    public async Task<ApplicationContainerKept?> DeletePoolAsync(CancellationToken cancellationToken)
    {
        await Pools.DeletePoolAsync(PoolId, cancellationToken).ConfigureAwait(false);
        Ledger.PoolDeleted = true;
        if (!Ledger.CreatedContainer(ApplicationContainer)) return null;
        var usage = await Pools.GetStartTaskContainerUsageAsync(cancellationToken).ConfigureAwait(false);
        if (usage.TryGetValue(ApplicationContainer, out var users)) return new ApplicationContainerKept(users, null);
        try { await Storage.DeleteContainerAsync(ApplicationContainer, cancellationToken).ConfigureAwait(false); }
        catch (BwException e) { return new ApplicationContainerKept(Array.Empty<string>(), e); }
        Ledger.RecordContainerRemoved(ApplicationContainer);
        return null;
    }

    /// <summary>
    /// After Ctrl+C or a failure while tasks may run: ends the job if this run created it (running tasks are killed,
    /// queued ones never start) rather than leave task processes running unwatched. Its record and logs stay.
    /// Best effort, within 30 seconds: the run is already failing. True when it was ended.
    /// </summary>
    public async Task<bool> TryTerminateCreatedJobAsync()
    {
        if (!Ledger.JobCreated) return false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await Jobs.TerminateJobAsync(JobId, "TutorialStopped", timeout.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is BwException or OperationCanceledException) { return false; }
        return Ledger.JobEnded = true;
    }
}

/// <summary>Why the run's application container was kept: pools whose start task still uses it, or the failed delete.</summary>
public sealed record ApplicationContainerKept(IReadOnlyList<string> UsedBy, BwException? Error);
