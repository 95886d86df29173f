using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Http;

/// <summary>
/// ETag, Last-Modified and DataServiceId (§1.2), and the conditional headers of §4: a write whose If-Match no
/// longer matches is 412 ConditionNotMet, a read whose If-None-Match matches is 304. ETags are compared with
/// surrounding quotes stripped, because Azure.Core's helpers may add them.
/// </summary>
public static class ResourceHeaders
{
    public static void SetVersion(HttpContext context, string eTag, DateTimeOffset lastModified)
    {
        context.Response.Headers.ETag = eTag;
        context.Response.Headers.LastModified = lastModified.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
    }

    public static void SetDataServiceId(HttpContext context, string url) => context.Response.Headers["DataServiceId"] = url;

    /// <summary>Throws the status the conditions ask for, or returns when the request may go ahead.</summary>
    public static void CheckConditions(HttpContext context, string eTag, DateTimeOffset lastModified, bool isRead)
    {
        var headers = context.Request.Headers;
        var ifMatch = headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*" && !Matches(ifMatch, eTag)) throw NotMet(isRead);
        var ifNoneMatch = headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && (ifNoneMatch == "*" || Matches(ifNoneMatch, eTag))) throw NotMet(isRead);
        var truncated = new DateTimeOffset(lastModified.Ticks - lastModified.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        if (TryDate(headers.IfModifiedSince.ToString(), out var since) && truncated <= since) throw NotMet(isRead);
        if (TryDate(headers.IfUnmodifiedSince.ToString(), out var unmodified) && truncated > unmodified) throw NotMet(isRead);
    }

    private static bool Matches(string header, string eTag) =>
        header.Split(',').Any(t => string.Equals(t.Trim().Trim('"'), eTag, StringComparison.Ordinal));

    private static bool TryDate(string text, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);

    private static BatchRequestException NotMet(bool isRead) =>
        new(isRead ? HttpStatusCode.NotModified : HttpStatusCode.PreconditionFailed, "ConditionNotMet",
            "The condition specified using HTTP conditional header(s) is not met.");
}
