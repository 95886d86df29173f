namespace BatchWords;

/// <summary>
/// The one exception type Core lets out of its public API. Service failures (Azure.RequestFailedException
/// and friends) are translated into it inside Core, because the cmdlet assembly must not bind to Azure
/// SDK types. Messages are scrubbed of secrets when they are built (<see cref="SecretScrubber"/>).
/// </summary>
public class BwException : Exception
{
    public BwException(BwErrorKind kind, string errorId, string message, object? target = null,
        string? recommendedAction = null, Exception? inner = null)
        : base(SecretScrubber.Scrub(message), inner)
    {
        Kind = kind;
        ErrorId = errorId;
        Target = target;
        RecommendedAction = recommendedAction is null ? null : SecretScrubber.Scrub(recommendedAction);
    }

    /// <summary>Category of the failure, mapped to a PowerShell ErrorCategory by the cmdlets.</summary>
    public BwErrorKind Kind { get; }

    /// <summary>Stable identifier, used as the ErrorRecord's error id (e.g. "InvalidContainerName").</summary>
    public string ErrorId { get; }

    /// <summary>The value the failure is about (a name, a path, a task id): the ErrorRecord's target object.</summary>
    public object? Target { get; }

    /// <summary>What the user can do about it.</summary>
    public string? RecommendedAction { get; }

    /// <summary>HTTP status of the service response, when the failure came from a service (0 = no response).</summary>
    public int? Status { get; init; }

    /// <summary>Service error code (x-ms-error-code for Storage, the body's "code" for Batch).</summary>
    public string? ServiceErrorCode { get; init; }

    /// <summary>The id the service gave the failed request (Batch's request-id, Storage's x-ms-request-id), for support.</summary>
    public string? RequestId { get; init; }

    /// <summary>The id this client sent with the failed request (client-request-id), for support.</summary>
    public string? ClientRequestId { get; init; }
}
