namespace BatchWords;

/// <summary>
/// The outputs of piped tasks that failed (BwTask.Result "failure"). A task uploads its output only when it succeeds,
/// and Wait-BwTask has already reported each failed task with its exit code and stderr, so Receive-BwOutput reports
/// such an output's absence (OutputBlobNotFound) as a warning, not as a second error for the same failure. Only
/// absence is forgiven: any other failure to download it stays an error, and so does a missing output of a task that
/// succeeded or whose result is unknown. Blob names compare as Storage does (case-sensitive).
/// </summary>
public sealed class FailedTaskOutputs
{
    private readonly HashSet<string> _blobNames = new(StringComparer.Ordinal);

    /// <summary>Notes one piped task's output blobs when its result is "failure" (in any case); ignores the others.</summary>
    public void Add(string? taskResult, IEnumerable<string?>? outputBlobNames)
    {
        if (!string.Equals(taskResult, "failure", StringComparison.OrdinalIgnoreCase) || outputBlobNames is null) return;
        foreach (var name in outputBlobNames)
            if (!string.IsNullOrEmpty(name)) _blobNames.Add(name);
    }

    /// <summary>Whether the blob is the output of a piped task that failed.</summary>
    public bool Contains(string blobName) => _blobNames.Contains(blobName);

    /// <summary>The warning to write instead of the failure's error, or null when it stays an error.</summary>
    public string? WarningFor(TransferFailed failure, string container)
        => failure.Error.ErrorId == BwErrorIds.OutputBlobNotFound && Contains(failure.Item)
            ? $"No output '{failure.Item}' in container '{container}': its task failed (reported by Wait-BwTask with its exit code and stderr), so it uploaded nothing."
            : null;
}
