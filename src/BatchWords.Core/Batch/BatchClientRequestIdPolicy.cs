using Azure.Core;
using Azure.Core.Pipeline;

namespace BatchWords.Batch;

/// <summary>
/// Sends the request's id in Batch's own header (client-request-id, without Azure.Core's x-ms- prefix) and asks
/// the service to echo it, so a failure can be matched with the service's logs. A per-call policy: every retry
/// of one operation carries the same id.
/// </summary>
internal sealed class BatchClientRequestIdPolicy : HttpPipelineSynchronousPolicy
{
    public static BatchClientRequestIdPolicy Shared { get; } = new();

    public override void OnSendingRequest(HttpMessage message)
    {
        base.OnSendingRequest(message);
        message.Request.Headers.SetValue("client-request-id", message.Request.ClientRequestId);
        message.Request.Headers.SetValue("return-client-request-id", "true");
    }
}
