using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Adds request-id to every response and echoes client-request-id when the caller sends
/// return-client-request-id: true (§1.1, §1.2). Runs first, so error answers carry them too.
/// </summary>
public sealed class RequestIdHeaders
{
    private const string ItemKey = "batchwords.request-id";
    private readonly RequestDelegate _next;

    public RequestIdHeaders(RequestDelegate next) => _next = next;

    public static string RequestIdOf(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var id) && id is string s ? s : "00000000-0000-0000-0000-000000000000";

    public Task InvokeAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Items[ItemKey] = requestId;
        var headers = context.Response.Headers;
        headers["request-id"] = requestId;
        headers["DataServiceVersion"] = "3.0";
        var clientRequestId = context.Request.Headers["client-request-id"].ToString();
        if (clientRequestId.Length > 0 &&
            string.Equals(context.Request.Headers["return-client-request-id"].ToString(), "true", StringComparison.OrdinalIgnoreCase))
            headers["client-request-id"] = clientRequestId;
        return _next(context);
    }
}
