using Azure.Core;
using Azure.Core.Pipeline;

namespace BatchWords;

/// <summary>
/// How many HTTP requests this process has sent to each service (every attempt, retries included), counted in
/// the clients' own pipelines. The scale benchmark reads them around each step to report requests per step.
/// </summary>
public static class BwRequestCounts
{
    private static long _batch;
    private static long _storage;

    /// <summary>Requests sent to the Batch service (or the emulator).</summary>
    public static long Batch => Interlocked.Read(ref _batch);

    /// <summary>Requests sent to Blob storage (or Azurite).</summary>
    public static long Storage => Interlocked.Read(ref _storage);

    internal static HttpPipelinePolicy BatchPolicy { get; } = new CountingPolicy(() => Interlocked.Increment(ref _batch));

    internal static HttpPipelinePolicy StoragePolicy { get; } = new CountingPolicy(() => Interlocked.Increment(ref _storage));

    private sealed class CountingPolicy(Action count) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => count();
    }
}
