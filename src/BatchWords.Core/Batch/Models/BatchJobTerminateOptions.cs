namespace BatchWords.Batch;

/// <summary>The optional body of POST /jobs/{id}/terminate.</summary>
public sealed class BatchJobTerminateOptions
{
    /// <summary>Recorded in executionInfo.terminateReason; the service default is "UserTerminate".</summary>
    public string? TerminateReason { get; set; }
}
