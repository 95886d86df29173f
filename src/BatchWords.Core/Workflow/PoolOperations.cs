using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Pools for the top-N workload: create one whose start task installs the worker into
/// $AZ_BATCH_NODE_SHARED_DIR (or reuse a compatible one), read pools with their node states, delete them.
/// </summary>
public sealed class PoolOperations
{
    /// <summary>Pool metadata naming the installed program, so Start-BwJob knows what to run.</summary>
    internal const string ProgramMetadata = "batchwords-program";
    internal const string ApplicationContainerMetadata = "batchwords-application-container";
    /// <summary>Pool metadata: the SHA-256 (hex) of the installed program, which the start task checks before installing it.</summary>
    internal const string ProgramSha256Metadata = "batchwords-program-sha256";

    private readonly BwContext _context;
    private readonly BatchClient _client;

    public PoolOperations(BwContext context) : this(context, BatchClientFactory.Create(context)) { }

    /// <summary>With a given client (tests script its transport).</summary>
    internal PoolOperations(BwContext context, BatchClient client)
    {
        _context = context;
        _client = client;
    }

    /// <summary>
    /// Creates the pool, or returns the existing one when it is compatible (same VM size and program name). The
    /// program is uploaded under a content-addressed name (sha256-{first 16 hex digits}/{program}), so pools
    /// with different builds never overwrite each other's program, and its start task checks the SHA-256 before
    /// installing it. A reused pool whose program has this SHA-256 gets its blob uploaded again (restored if it
    /// was removed or replaced), so nodes that join later find it; a pool that installs another build is reused
    /// as it is. A pool another run created a moment ago (PoolExists on create) is reused the same way.
    /// </summary>
    public async Task<BwPool> CreateOrReuseAsync(PoolRequest request, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(request.Id, "Pool");
        if (request.NodeCount is < 0 or > 1000)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidNodeCount", $"A node count of {request.NodeCount} is not allowed.", request.NodeCount, "Pass -NodeCount between 0 and 1000.");
        if (request.SpotNodeCount is < 0 or > 1000)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidSpotNodeCount", $"A Spot node count of {request.SpotNodeCount} is not allowed.", request.SpotNodeCount, "Pass -SpotNodeCount between 0 and 1000.");
        if (request.AutoScaleFormula is null && request.AutoScaleEvaluationInterval is not null)
            throw new BwException(BwErrorKind.InvalidArgument, "IntervalWithoutFormula", "An autoscale evaluation interval was given without a formula.", request.AutoScaleEvaluationInterval,
                "Pass -AutoScaleFormula too, or leave out -AutoScaleEvaluationInterval.");
        PoolScaling.ValidateInterval(request.AutoScaleEvaluationInterval);
        if (request.TaskSlotsPerNode is < 1 or > 256)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidTaskSlotsPerNode", $"{request.TaskSlotsPerNode} task slots per node is not allowed.", request.TaskSlotsPerNode, "Pass -TaskSlotsPerNode between 1 and 256 (Batch allows at most 4 per vCPU).");
        ImageSelector.Parse(request.Image);
        var programPath = request.ProgramPath ?? WorkerPayload.Locate();
        var programName = Path.GetFileName(programPath);
        TaskCommandLine.ValidateFileName(programName, "program");

        var sha256 = await ComputeSha256Async(programPath, cancellationToken).ConfigureAwait(false);

        var existing = await TryGetPoolAsync(request.Id, cancellationToken).ConfigureAwait(false);
        if (existing is not null && IsDeleting(existing))
        {
            // Another run that created this pool deleted it as this one started: wait until it is gone, then create it.
            request.Log?.Invoke($"Pool '{request.Id}' is being deleted: waiting until it is gone to create it again.");
            existing = await WaitUntilDeletedAsync(request.Id, cancellationToken).ConfigureAwait(false);
        }
        if (existing is not null) return await ReuseAsync(existing, request, programPath, programName, sha256, cancellationToken).ConfigureAwait(false);
        var program = await UploadProgramAsync(request, programPath, sha256, cancellationToken).ConfigureAwait(false);

        var image = await BatchErrors.Guard("Listing supported images", request.Image,
            () => ImageSelector.SelectAsync(_client, request.Image, cancellationToken)).ConfigureAwait(false);
        request.Log?.Invoke($"Image {image.ImageReference!.Publisher}/{image.ImageReference.Offer}/{image.ImageReference.Sku} ({image.NodeAgentSkuId}).");

        var token = CreationToken.New();
        var pool = new BatchPoolCreateOptions(request.Id, request.VmSize)
        {
            VirtualMachineConfiguration = new VirtualMachineConfiguration(image.ImageReference!, image.NodeAgentSkuId!),
            // With a formula the targets are left out (the service refuses both): the formula sets them.
            TargetDedicatedNodes = request.AutoScaleFormula is null ? request.NodeCount : null,
            TargetLowPriorityNodes = request.AutoScaleFormula is null && request.SpotNodeCount > 0 ? request.SpotNodeCount : null,
            EnableAutoScale = request.AutoScaleFormula is null ? null : true,
            AutoScaleFormula = request.AutoScaleFormula,
            AutoScaleEvaluationInterval = request.AutoScaleEvaluationInterval,
            TaskSlotsPerNode = request.TaskSlotsPerNode,
            StartTask = new BatchStartTask(TaskCommandLine.InstallProgram(programName, sha256))
            {
                // No file mode: the download is not executable; the start task makes the checked copy so.
                ResourceFiles = new List<ResourceFile> { new() { HttpUri = program, FilePath = programName } },
                // Pool-scoped admin, as the tutorial: the copy into the shared directory must be readable by every task user.
                UserIdentity = new UserIdentity { AutoUser = new AutoUserSpecification { Scope = AutoUserScope.Pool, ElevationLevel = ElevationLevel.Admin } },
                WaitForSuccess = true,
                MaxTaskRetryCount = 1,
            },
            Metadata = new List<MetadataItem>
            {
                new(ProgramMetadata, programName),
                new(ApplicationContainerMetadata, request.ApplicationContainer),
                new(ProgramSha256Metadata, sha256),
                CreationToken.Item(token),
            },
        };
        var size = request.AutoScaleFormula is not null ? $"autoscale x {request.VmSize}"
            : request.SpotNodeCount == 0 ? $"{request.NodeCount} x {request.VmSize}"
            : $"{request.NodeCount} dedicated + {request.SpotNodeCount} Spot x {request.VmSize}";
        request.Log?.Invoke($"POST /pools (id '{request.Id}', {size}, {request.TaskSlotsPerNode} slot(s) per node).");
        try { await _client.CreatePoolAsync(pool, cancellationToken).ConfigureAwait(false); }
        catch (Azure.RequestFailedException e) when (e.ErrorCode == BatchErrorCodeStrings.PoolExists)
        {
            // Either an attempt of this call went through and its answer was lost, or another run (two tutorials on
            // the default pool) created it between our read and our create: then reuse it if compatible.
            var found = await TryGetPoolAsync(request.Id, cancellationToken).ConfigureAwait(false) ?? throw BatchErrors.Map(e, $"Creating pool '{request.Id}'", request.Id);
            if (!CreationToken.IsOurs(found.Metadata, token))
            {
                request.Log?.Invoke($"Pool '{request.Id}' was created by someone else a moment ago: reusing it if compatible.");
                return await ReuseAsync(found, request, programPath, programName, sha256, cancellationToken).ConfigureAwait(false);
            }
            request.Log?.Invoke($"The answer to creating pool '{request.Id}' was lost, but the pool was created.");
        }
        catch (Exception e) when (e is not OperationCanceledException) { throw BatchErrors.Map(e, $"Creating pool '{request.Id}'", request.Id); }
        var created = await BatchErrors.Guard($"Reading pool '{request.Id}'", request.Id,
            () => _client.GetPoolAsync(request.Id, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return await DescribeAsync(created.Value, PoolProvisioning.Created, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pools of the account (optionally one id), with the count of nodes per state.</summary>
    public async IAsyncEnumerable<BwPool> GetPoolsAsync(string? id = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (id is not null)
        {
            BatchIds.Validate(id, "Pool");
            var pool = await BatchErrors.Guard($"Reading pool '{id}'", id,
                () => _client.GetPoolAsync(id, cancellationToken: cancellationToken)).ConfigureAwait(false);
            yield return await DescribeAsync(pool.Value, PoolProvisioning.Existing, cancellationToken).ConfigureAwait(false);
            yield break;
        }
        await foreach (var pool in GetPoolsAsync(new IdListQuery(), cancellationToken).ConfigureAwait(false)) yield return pool;
    }

    /// <summary>
    /// The pools a query selects (an id pattern, an OData $filter the service applies, at most MaxCount), with the
    /// count of nodes per state. No match is no result, not an error.
    /// </summary>
    public async IAsyncEnumerable<BwPool> GetPoolsAsync(IdListQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pools = await BatchErrors.Guard("Listing pools", query.ServiceFilter, () => query.CollectAsync(
            _client.GetPoolsAsync(maxresults: query.PageSize, filter: query.ServiceFilter, cancellationToken: cancellationToken),
            p => p.Id, cancellationToken)).ConfigureAwait(false);
        foreach (var pool in pools)
            yield return await DescribeAsync(pool, PoolProvisioning.Existing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The live pools (not being deleted) whose start task downloads from each container of this storage
    /// account: container name -> pool ids. One listing with $select, no node queries. Remove-BwContainer
    /// uses it so the tutorial's bug (containers deleted under a pool whose later nodes still need them;
    /// azure-batch-samples#165) cannot happen by accident.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetStartTaskContainerUsageAsync(CancellationToken cancellationToken = default)
    {
        var usage = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await BatchErrors.Guard("Listing pools", null, async () =>
        {
            await foreach (var pool in _client.GetPoolsAsync(select: new[] { "id", "state", "startTask" }, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (pool.Id is null || pool.State == BatchPoolState.Deleting) continue;
                foreach (var container in StartTaskContainers(pool))
                {
                    if (!usage.TryGetValue(container, out var pools)) usage[container] = pools = new List<string>();
                    pools.Add(pool.Id);
                }
            }
        }).ConfigureAwait(false);
        return usage.ToDictionary(u => u.Key, u => (IReadOnlyList<string>)u.Value, StringComparer.Ordinal);
    }

    /// <summary>Deletes the pool (Batch removes its nodes in the background).</summary>
    public Task DeletePoolAsync(string id, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(id, "Pool");
        return BatchErrors.Guard($"Deleting pool '{id}'", id, () => _client.DeletePoolAsync(id, cancellationToken: cancellationToken));
    }

    /// <summary>The pool, or null when it does not exist.</summary>
    internal async Task<BatchPool?> TryGetPoolAsync(string id, CancellationToken cancellationToken)
    {
        try { return (await _client.GetPoolAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false)).Value; }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { return null; }
        catch (Exception e) when (e is not OperationCanceledException) { throw BatchErrors.Map(e, $"Reading pool '{id}'", id); }
    }

    private static bool IsDeleting(BatchPool pool) => string.Equals(pool.State?.ToString(), "deleting", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null once the pool is gone; the pool if it is still there (deleting) after five minutes.</summary>
    private async Task<BatchPool?> WaitUntilDeletedAsync(string id, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var pool = await TryGetPoolAsync(id, cancellationToken).ConfigureAwait(false);
            if (pool is null || !IsDeleting(pool) || DateTime.UtcNow > deadline) return pool;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BwPool> ReuseAsync(BatchPool existing, PoolRequest request, string programPath, string programName, string sha256, CancellationToken cancellationToken)
    {
        EnsureCompatible(existing, request, programName);
        var installed = existing.Metadata?.FirstOrDefault(m => m.Name == ProgramSha256Metadata)?.Value;
        if (string.Equals(installed, sha256, StringComparison.OrdinalIgnoreCase))
            await UploadProgramAsync(request, programPath, sha256, cancellationToken).ConfigureAwait(false);
        else
            request.Log?.Invoke($"Pool '{request.Id}' installs another build of '{programName}' (SHA-256 {installed ?? "not recorded"}, not {sha256}): its nodes keep running theirs.");
        request.Log?.Invoke($"Pool '{request.Id}' exists and is compatible: reusing it.");
        if (request.ResizeExisting && request.AutoScaleFormula is null && existing.EnableAutoScale != true
            && (existing.TargetDedicatedNodes != request.NodeCount || (existing.TargetLowPriorityNodes ?? 0) != request.SpotNodeCount))
        {
            request.Log?.Invoke($"Resizing pool '{request.Id}' from {existing.TargetDedicatedNodes} dedicated + {existing.TargetLowPriorityNodes ?? 0} Spot to {request.NodeCount} + {request.SpotNodeCount}.");
            await new PoolScaling(_client).ResizeAsync(new PoolResizeRequest { Id = request.Id, DedicatedNodeCount = request.NodeCount, SpotNodeCount = request.SpotNodeCount, Log = request.Log }, cancellationToken).ConfigureAwait(false);
            existing = await TryGetPoolAsync(request.Id, cancellationToken).ConfigureAwait(false) ?? existing;
        }
        return await DescribeAsync(existing, PoolProvisioning.Reused, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hex SHA-256 of the program file, which names its blob and which the start task checks.</summary>
    private static async Task<string> ComputeSha256Async(string programPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(programPath);
            return Convert.ToHexString(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false)).ToLowerInvariant();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BwException(BwErrorKind.ReadError, "ProgramUnreadable", $"The program '{programPath}' cannot be read: {e.Message}", programPath,
                "Check the file's permissions, or pass another -Program.", e);
        }
    }

    /// <summary>The program's blob name in the application container: sha256-{16 hex digits}/{program}.</summary>
    internal static string ProgramBlobPrefix(string sha256) => $"sha256-{sha256[..16]}/";

    private async Task<Uri> UploadProgramAsync(PoolRequest request, string programPath, string sha256, CancellationToken cancellationToken)
    {
        var storage = new BwStorageClient(_context);
        await storage.CreateContainerAsync(request.ApplicationContainer, cancellationToken).ConfigureAwait(false);
        request.Log?.Invoke($"Uploading the program {programPath} (SHA-256 {sha256}) to container '{request.ApplicationContainer}' as {ProgramBlobPrefix(sha256)}{Path.GetFileName(programPath)}.");
        // The name carries the content's hash, so a different build never lands on this name. Force: a blob of
        // this name with other bytes was replaced by someone else, and the right bytes are put back; identical
        // bytes are not re-sent.
        var options = new UploadOptions { Prefix = ProgramBlobPrefix(sha256), Force = true, SasExpiry = request.ProgramSasValidity, ThrottleLimit = 1 };
        await foreach (var e in storage.UploadInputsAsync(request.ApplicationContainer, new[] { programPath }, options, cancellationToken).ConfigureAwait(false))
        {
            if (e is TransferFailed failed) throw failed.Error;
            if (e is InputUploaded uploaded) return uploaded.File.GetReadSasUri();
        }
        throw new BwException(BwErrorKind.WriteError, "ProgramUploadFailed", $"The program {programPath} was not uploaded.", programPath,
            "Check that the file is readable and the storage account is reachable, then try again.");
    }

    private static void EnsureCompatible(BatchPool pool, PoolRequest request, string programName)
    {
        var problems = new List<string>();
        if (string.Equals(pool.State?.ToString(), "deleting", StringComparison.OrdinalIgnoreCase))
            problems.Add("it is being deleted");
        if (!string.Equals(pool.VmSize, request.VmSize, StringComparison.OrdinalIgnoreCase))
            problems.Add($"its VM size is {pool.VmSize}, not {request.VmSize}");
        // Neither can change on a live pool: tasks would run with other concurrency or on another OS than asked for.
        if ((pool.TaskSlotsPerNode ?? 1) != request.TaskSlotsPerNode)
            problems.Add($"it has {pool.TaskSlotsPerNode ?? 1} task slot(s) per node, not {request.TaskSlotsPerNode}");
        var (publisher, offer, skuPrefix) = ImageSelector.Parse(request.Image);
        var image = pool.VirtualMachineConfiguration?.ImageReference;
        if (image is null || !string.Equals(image.Publisher, publisher, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(image.Offer, offer, StringComparison.OrdinalIgnoreCase)
            || !(image.Sku ?? "").StartsWith(skuPrefix, StringComparison.OrdinalIgnoreCase))
            problems.Add(image is null ? $"it has no marketplace image, not {request.Image}" : $"its image is {image.Publisher}/{image.Offer}/{image.Sku}, not {request.Image}");
        var installed = pool.Metadata?.FirstOrDefault(m => m.Name == ProgramMetadata)?.Value;
        if (!string.Equals(installed, programName, StringComparison.Ordinal))
            problems.Add(installed is null ? "it was not created by New-BwPool (no program installed)" : $"it installs '{installed}', not '{programName}'");
        if (problems.Count > 0)
            throw new BwException(BwErrorKind.ResourceExists, "PoolIncompatible",
                $"Pool '{request.Id}' exists but cannot be reused: {string.Join("; ", problems)}.", request.Id,
                "Choose another -Id, or remove the pool with Remove-BwPool and run New-BwPool again.");
    }

    private async Task<BwPool> DescribeAsync(BatchPool pool, PoolProvisioning provisioning, CancellationToken cancellationToken)
    {
        var nodeStates = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await foreach (var node in _client.GetNodesAsync(pool.Id!, select: new[] { "id", "state" }, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var state = node.State?.ToString() ?? "unknown";
                nodeStates[state] = nodeStates.GetValueOrDefault(state) + 1;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { /* pool deleted meanwhile */ }

        var image = pool.VirtualMachineConfiguration?.ImageReference;
        return new BwPool
        {
            Context = _context,
            Id = pool.Id!,
            State = pool.State?.ToString(),
            AllocationState = pool.AllocationState?.ToString(),
            VmSize = pool.VmSize,
            TargetNodes = (pool.TargetDedicatedNodes ?? 0) + (pool.TargetLowPriorityNodes ?? 0),
            CurrentNodes = (pool.CurrentDedicatedNodes ?? 0) + (pool.CurrentLowPriorityNodes ?? 0),
            TargetDedicatedNodes = pool.TargetDedicatedNodes ?? 0,
            CurrentDedicatedNodes = pool.CurrentDedicatedNodes ?? 0,
            TargetSpotNodes = pool.TargetLowPriorityNodes ?? 0,
            CurrentSpotNodes = pool.CurrentLowPriorityNodes ?? 0,
            AutoScaleEnabled = pool.EnableAutoScale == true,
            AutoScaleFormula = pool.EnableAutoScale == true ? pool.AutoScaleFormula : null,
            AutoScaleEvaluationInterval = pool.EnableAutoScale == true ? pool.AutoScaleEvaluationInterval : null,
            LastAutoScaleRun = pool.AutoScaleRun is { } run ? BwAutoScaleRun.From(pool.Id!, run, _context) : null,
            TaskSlotsPerNode = pool.TaskSlotsPerNode ?? 1,
            Image = image is null ? null : $"{image.Publisher}/{image.Offer}/{image.Sku}",
            NodeAgentSkuId = pool.VirtualMachineConfiguration?.NodeAgentSkuId,
            Program = pool.Metadata?.FirstOrDefault(m => m.Name == ProgramMetadata)?.Value,
            ProgramSha256 = pool.Metadata?.FirstOrDefault(m => m.Name == ProgramSha256Metadata)?.Value,
            ApplicationContainer = pool.Metadata?.FirstOrDefault(m => m.Name == ApplicationContainerMetadata)?.Value,
            StartTaskContainers = StartTaskContainers(pool),
            NodeStates = nodeStates,
            ProvisioningKind = provisioning,
            CreationTime = pool.CreationTime,
        };
    }

    /// <summary>
    /// The containers the pool's start task downloads from (first path segment after the account's blob
    /// endpoint path), so Remove-BwContainer can refuse to pull them from under a live pool.
    /// </summary>
    private IReadOnlyList<string> StartTaskContainers(BatchPool pool)
    {
        var result = new List<string>();
        var basePath = _context.BlobEndpoint.AbsolutePath.TrimEnd('/');
        foreach (var file in pool.StartTask?.ResourceFiles ?? Array.Empty<ResourceFile>())
        {
            var uri = file.HttpUri ?? file.StorageContainerUri;
            if (uri is null || !string.Equals(uri.Authority, _context.BlobEndpoint.Authority, StringComparison.OrdinalIgnoreCase)) continue;
            var path = uri.AbsolutePath;
            if (!path.StartsWith(basePath + "/", StringComparison.Ordinal)) continue;
            var container = path[(basePath.Length + 1)..].Split('/', 2)[0];
            if (container.Length > 0 && !result.Contains(container)) result.Add(container);
        }
        return result;
    }
}
