namespace BatchWords;

/// <summary>What Receive-BwOutput did with a blob (the counterpart of <see cref="InputFileStatus"/>).</summary>
public enum OutputFileStatus
{
    /// <summary>Written (a new local file, or an older copy replaced with -Force).</summary>
    Downloaded,
    /// <summary>The local file already held exactly the blob's bytes, so it was left as it was.</summary>
    Unchanged,
}
