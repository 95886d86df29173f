using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// An in-memory HttpPipelineTransport: records every request exactly as the pipeline finished it (headers,
/// URL, body bytes, time) and answers from a handler, so the client is tested without any network.
/// </summary>
internal sealed class ScriptedTransport : HttpPipelineTransport
{
    private readonly Func<RecordedRequest, ScriptedResponse> _handler;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public ScriptedTransport(Func<RecordedRequest, ScriptedResponse> handler) => _handler = handler;

    /// <summary>Answers with the given responses in order, then fails the test if asked for more.</summary>
    public static ScriptedTransport Queue(params ScriptedResponse[] responses)
    {
        var queue = new ConcurrentQueue<ScriptedResponse>(responses);
        return new ScriptedTransport(r => queue.TryDequeue(out var next)
            ? next
            : throw new InvalidOperationException($"Unexpected request {r.Method} {r.Uri}"));
    }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public override Request CreateRequest() => new ScriptedRequest();

    public override void Process(HttpMessage message) => Answer(message);

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        Answer(message);
        return ValueTask.CompletedTask;
    }

    private void Answer(HttpMessage message)
    {
        message.CancellationToken.ThrowIfCancellationRequested();
        var request = message.Request;
        byte[] body = Array.Empty<byte>();
        if (request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, message.CancellationToken);
            body = buffer.ToArray();
        }
        var recorded = new RecordedRequest(
            request.Method.Method,
            request.Uri.ToUri(),
            request.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase),
            body,
            request.ClientRequestId,
            DateTimeOffset.UtcNow);
        _requests.Enqueue(recorded);
        var response = _handler(recorded);
        response.ClientRequestId = request.ClientRequestId;
        message.Response = response;
    }
}

/// <summary>A request as it reached the transport.</summary>
internal sealed record RecordedRequest(
    string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body, string ClientRequestId, DateTimeOffset SentAt)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The decoded query parameters (names as sent, values URL-decoded).</summary>
    public System.Collections.Specialized.NameValueCollection Query => System.Web.HttpUtility.ParseQueryString(Uri.Query);
}

/// <summary>A response with a status, headers and an optional body.</summary>
internal sealed class ScriptedResponse : Response
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public ScriptedResponse(int status, string? body = null, string contentType = "application/json;odata=minimalmetadata")
    {
        Status = status;
        if (body is not null)
        {
            ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(body));
            _headers["Content-Type"] = contentType;
        }
    }

    public static ScriptedResponse Json(int status, string json) => new(status, json);

    public static ScriptedResponse BatchError(int status, string code, string message = "An error.") =>
        new(status, $$$"""{"odata.metadata":"https://x/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element","code":"{{{code}}}","message":{"lang":"en-US","value":"{{{message}}}\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2025-07-01T12:00:00.0000000Z"}}""");

    public ScriptedResponse WithHeader(string name, string value)
    {
        _headers[name] = value;
        return this;
    }

    public override int Status { get; }
    public override string ReasonPhrase => Status.ToString();
    public override Stream? ContentStream { get; set; }
    public override string ClientRequestId { get; set; } = string.Empty;
    public override void Dispose() => ContentStream?.Dispose();

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = _headers.TryGetValue(name, out var value) ? new[] { value } : null;
        return values is not null;
    }

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));
}

/// <summary>A request whose headers live in a list (several values per name allowed, as in real transports).</summary>
internal sealed class ScriptedRequest : Request
{
    private readonly List<(string Name, string Value)> _headers = new();

    public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

    public override void Dispose() { }

    protected override void AddHeader(string name, string value) => _headers.Add((name, value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        var values = _headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        value = values.Count == 0 ? null : string.Join(",", values);
        return value is not null;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        var found = _headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        values = found.Count == 0 ? null : found;
        return values is not null;
    }

    protected override bool ContainsHeader(string name) =>
        _headers.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

    protected override bool RemoveHeader(string name) =>
        _headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)) > 0;

    protected override IEnumerable<HttpHeader> EnumerateHeaders() =>
        _headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => new HttpHeader(g.Key, string.Join(",", g.Select(h => h.Value))));
}
