using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Http;

/// <summary>
/// The account URL as the caller reached it (scheme and Host header), so url, odata.metadata and odata.nextLink
/// point back at the address the client used, as the real service's do.
/// </summary>
public static class BaseUrl
{
    public static string Of(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host.Value}";
}
