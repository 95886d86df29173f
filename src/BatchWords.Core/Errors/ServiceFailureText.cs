using Azure;

namespace BatchWords;

/// <summary>
/// What support needs from a failed service call, read once for Batch and Storage alike: the service's own
/// message (with the detail lines Batch adds, e.g. AuthenticationErrorDetail), and the request ids: the one the
/// service assigned (Batch's request-id, Storage's x-ms-request-id) and the one the client sent
/// (client-request-id / x-ms-client-request-id). Azure support finds a request by these ids, as Az.Batch
/// prints RequestId and ClientRequestId. Ids are not secrets; the text is scrubbed by BwException anyway.
/// </summary>
internal static class ServiceFailureText
{
    private static readonly string[] RequestIdHeaders = { "request-id", "x-ms-request-id" };
    private static readonly string[] ClientRequestIdHeaders = { "client-request-id", "x-ms-client-request-id" };

    public static (string? RequestId, string? ClientRequestId) RequestIds(RequestFailedException failed)
    {
        var response = failed.GetRawResponse();
        if (response is null) return (null, null);
        return (FirstHeader(response, RequestIdHeaders), FirstHeader(response, ClientRequestIdHeaders) ?? NullIfEmpty(response.ClientRequestId));
    }

    /// <summary>"Request id: …, client request id: …" (only the ids known), or null when there is none.</summary>
    public static string? RequestIdSentence(string? requestId, string? clientRequestId)
    {
        var parts = new List<string>(2);
        if (requestId is not null) parts.Add($"Request id: {requestId}");
        if (clientRequestId is not null) parts.Add($"client request id: {clientRequestId}");
        if (parts.Count == 0) return null;
        var sentence = string.Join(", ", parts);
        return char.ToUpperInvariant(sentence[0]) + sentence[1..] + ".";
    }

    /// <summary>The message followed by the request id sentence, when there are ids.</summary>
    public static string WithRequestIds(string message, string? requestId, string? clientRequestId)
        => RequestIdSentence(requestId, clientRequestId) is { } ids ? $"{message} {ids}" : message;

    /// <summary>
    /// The service's message without Azure.Core's appendix (Status, ErrorCode, Content, Headers) and without the
    /// RequestId/Time lines the services add (the ids are reported on their own), joined on one line; plus the
    /// "Additional Information" key/value details, which often say what was wrong (the header, the reason).
    /// </summary>
    public static string ServiceMessage(string message)
    {
        var lines = message.Replace("\r", string.Empty).Split('\n');
        var text = new List<string>();
        var index = 0;
        for (; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (IsAppendixStart(line) || line.StartsWith("RequestId:", StringComparison.Ordinal) || line.StartsWith("Time:", StringComparison.Ordinal)) break;
            if (line.Length > 0) text.Add(line);
        }
        var details = new List<string>();
        for (; index < lines.Length; index++)
        {
            if (lines[index].Trim() != "Additional Information:") continue;
            for (index++; index < lines.Length && lines[index].Trim().Length > 0 && !IsAppendixStart(lines[index].Trim()); index++)
                details.Add(lines[index].Trim());
            break;
        }
        var joined = string.Join(" ", text);
        if (joined.Length == 0) joined = message.Split('\n', 2)[0].Trim();
        return details.Count == 0 ? joined : $"{joined} ({string.Join("; ", details)})";
    }

    /// <summary>
    /// The first non-empty line of a multi-line message (the SDKs append headers and request ids below the line
    /// that says what went wrong), or the whole message when its first line is empty.
    /// </summary>
    public static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 0 ? line : message;
    }

    private static bool IsAppendixStart(string line) =>
        line.StartsWith("Status:", StringComparison.Ordinal) || line.StartsWith("ErrorCode:", StringComparison.Ordinal)
        || line is "Content:" or "Headers:" or "Additional Information:";

    private static string? FirstHeader(Response response, string[] names)
    {
        foreach (var name in names)
            if (response.Headers.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)) return value.Trim();
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
