using Azure.Core;

namespace BatchWords.Batch;

/// <summary>
/// Options for <see cref="BatchClient"/>: the service version and Azure.Core's retry, transport and diagnostics
/// settings. The retry policy is Azure.Core's: exponential backoff with jitter that honours Retry-After
/// (and retry-after-ms) and retries 408, 429, 500, 502, 503, 504 and network failures.
/// </summary>
public class BatchClientOptions : ClientOptions
{
    /// <summary>The data-plane api-versions this client can send.</summary>
    public enum ServiceVersion
    {
        /// <summary>"2024-07-01.20.0"</summary>
        V2024_07_01_20_0 = 1,

        /// <summary>"2025-06-01.21.0", the latest stable version and the default.</summary>
        V2025_06_01_21_0 = 2,
    }

    private const ServiceVersion LatestVersion = ServiceVersion.V2025_06_01_21_0;

    public BatchClientOptions(ServiceVersion version = LatestVersion)
    {
        // Always the full string with its ".21.0" suffix: whether the service accepts the short form is unverified.
        ApiVersion = version switch
        {
            ServiceVersion.V2024_07_01_20_0 => "2024-07-01.20.0",
            ServiceVersion.V2025_06_01_21_0 => "2025-06-01.21.0",
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown Batch service version."),
        };

        // Batch's guidance is to wait "several seconds" when throttled; Azure.Core's defaults (0.8 s, 3 tries)
        // give up within about 6 s. These are the defaults; Retry-After from the service always wins when longer.
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
    }

    /// <summary>The api-version query parameter sent on every request.</summary>
    public string ApiVersion { get; }
}
