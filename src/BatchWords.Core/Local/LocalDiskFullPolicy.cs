using Azure.Core;
using Azure.Core.Pipeline;

namespace BatchWords;

/// <summary>
/// In the Local backend's storage pipeline, after the retries: a 500 from Azurite while its data folder's disk
/// is full becomes a <see cref="LocalDiskFullException"/> naming the folder (mapped by StorageErrors to the
/// "LocalDiskFull" error), instead of "the service is busy".
/// </summary>
internal sealed class LocalDiskFullPolicy : HttpPipelinePolicy
{
    private readonly string _dataDirectory;

    public LocalDiskFullPolicy(string dataDirectory) => _dataDirectory = dataDirectory;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Check(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Check(message);
    }

    private void Check(HttpMessage message)
    {
        if (!message.HasResponse || message.Response.Status != 500) return;
        var requestBytes = message.Request.Content is { } content && content.TryComputeLength(out var length) ? length : 0;
        if (LocalDiskSpace.Check(_dataDirectory, requestBytes) is { } full) throw full;
    }
}
