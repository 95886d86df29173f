namespace BatchWords;

/// <summary>
/// What one Invoke-BwTutorial run created, so that it deletes exactly that and nothing else: a container only if
/// the run created it; in a container that existed before, only the blobs the run wrote (inputs it uploaded,
/// outputs its tasks wrote); the pool only if the run created it. When a run ends early (Ctrl+C, an error) the
/// same record names what is left behind. The original deleted the fixed containers input, output and
/// application whoever had made them, with every blob of their owner.
/// </summary>
public sealed class TutorialRunLedger
{
    private readonly Dictionary<string, ContainerStatus> _containers = new(StringComparer.Ordinal);
    private readonly List<string> _containerOrder = new();
    private readonly Dictionary<string, HashSet<string>> _blobsWritten = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removedContainers = new(StringComparer.Ordinal);

    public TutorialRunLedger(string jobId, string poolId)
    {
        JobId = jobId;
        PoolId = poolId;
    }

    public string JobId { get; }
    public string PoolId { get; }

    /// <summary>The run created the job (it did not exist when the run began adding tasks).</summary>
    public bool JobCreated { get; set; }

    /// <summary>The job was terminated or deleted by the run.</summary>
    public bool JobEnded { get; set; }
    public bool JobDeleted { get; set; }

    /// <summary>New-BwPool created the pool in this run (not Reused).</summary>
    public bool PoolCreated { get; set; }
    public bool PoolDeleted { get; set; }

    /// <summary>New-BwContainer's answer for a container the run uses: Created (the run's own) or Existing.</summary>
    public void RecordContainer(string name, ContainerStatus status)
    {
        if (!_containers.ContainsKey(name)) _containerOrder.Add(name);
        _containers[name] = status;
    }

    public bool CreatedContainer(string name) => _containers.TryGetValue(name, out var status) && status == ContainerStatus.Created;

    /// <summary>A blob the run wrote (an input it uploaded, not one found Unchanged; an output its task wrote).</summary>
    public void RecordBlobWritten(string container, string blobName)
    {
        if (!_blobsWritten.TryGetValue(container, out var blobs)) _blobsWritten[container] = blobs = new HashSet<string>(StringComparer.Ordinal);
        blobs.Add(blobName);
    }

    /// <summary>The blobs the run wrote into the container and has not deleted yet.</summary>
    public IReadOnlyCollection<string> BlobsWrittenInto(string container)
        => _blobsWritten.TryGetValue(container, out var blobs) ? blobs.OrderBy(b => b, StringComparer.Ordinal).ToList() : Array.Empty<string>();

    public void RecordContainerRemoved(string name) => _removedContainers.Add(name);

    public void RecordBlobsDeleted(string container, IEnumerable<string> blobNames)
    {
        if (_blobsWritten.TryGetValue(container, out var blobs)) blobs.ExceptWith(blobNames);
    }

    /// <summary>
    /// One line per thing this run made that still exists, each with the command that removes it; empty when
    /// nothing is left. Containers that existed before are named only for the blobs the run wrote into them.
    /// </summary>
    public IReadOnlyList<string> Leftovers()
    {
        var lines = new List<string>();
        if (JobCreated && !JobDeleted)
            lines.Add($"job '{JobId}'{(JobEnded ? " (terminated; its tasks and logs stay)" : "")}: Remove-BwJob -Id {JobId}");
        foreach (var name in _containerOrder)
        {
            if (_removedContainers.Contains(name)) continue;
            if (_containers[name] == ContainerStatus.Created)
                lines.Add($"container '{name}' (created by this run): Remove-BwContainer -Name {name}");
            else if (BlobsWrittenInto(name) is { Count: > 0 } blobs)
                lines.Add($"{blobs.Count} blob(s) this run wrote into container '{name}', which existed before it: {string.Join(", ", blobs.Take(5))}{(blobs.Count > 5 ? ", ..." : "")}");
        }
        if (PoolCreated && !PoolDeleted)
            lines.Add($"pool '{PoolId}' (created by this run): Remove-BwPool -Id {PoolId}");
        return lines;
    }
}
