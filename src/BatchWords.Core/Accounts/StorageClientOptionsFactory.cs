using Azure.Storage.Blobs;

namespace BatchWords;

/// <summary>The Azure SDK client options each backend needs.</summary>
internal static class StorageClientOptionsFactory
{
    /// <summary>
    /// Azurite 3.37 rejects the SDK's newest service version (2026-10-06) unless started with
    /// --skipApiVersionCheck; we pass that flag AND pin the newest version Azurite knows, so a user's own
    /// Azurite (started without the flag) works too. Few, fast retries: a loopback service that does not
    /// answer is down, and six slow retries would only hide that. With Azurite's data folder given, a 500 on a
    /// full disk is reported as such (<see cref="LocalDiskFullPolicy"/>).
    /// </summary>
    public static BlobClientOptions ForLocal(string? dataDirectory = null, LoopbackCertificateTrust? trust = null)
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06);
        // The Entra ID stack's Azurite serves HTTPS on its own loopback certificate, trusted for that endpoint only.
        if (trust is not null) options.Transport = new Azure.Core.Pipeline.HttpClientTransport(trust.CreateHandler());
        if (dataDirectory is not null) options.AddPolicy(new LocalDiskFullPolicy(dataDirectory), Azure.Core.HttpPipelinePosition.PerCall);
        options.AddPolicy(BwRequestCounts.StoragePolicy, Azure.Core.HttpPipelinePosition.PerRetry);
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }

    /// <summary>The SDK defaults (latest service version, exponential retries).</summary>
    public static BlobClientOptions ForAzure()
    {
        var options = new BlobClientOptions();
        options.AddPolicy(BwRequestCounts.StoragePolicy, Azure.Core.HttpPipelinePosition.PerRetry);
        return options;
    }
}
