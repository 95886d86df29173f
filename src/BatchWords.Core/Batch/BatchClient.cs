using System.Globalization;
using System.Text.Json.Serialization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// A thin client for the Azure Batch data-plane REST API on Azure.Core's HttpPipeline. Its names mirror
/// Azure.Compute.Batch (the 1.0.0-beta.3+ generation, where request bodies are "*Options" types), which the
/// package feed here does not serve, so that swapping the real package in later changes one folder.
/// Used only inside Core: the workflow layer turns its RequestFailedExceptions into BwExceptions.
/// It holds only the asynchronous operations Core calls: the Azure SDK's sync/async pairs are worth having "where
/// useful", and no caller here needs a sync twin or an operation the product never sends.
/// The same client talks to Azure (https://{account}.{region}.batch.azure.com) and to the local emulator
/// (http://127.0.0.1:{port}); nothing here depends on which.
/// </summary>
public partial class BatchClient
{
    /// <summary>The Entra ID scope every official Batch SDK asks for (the resource URI keeps its trailing slash).</summary>
    public const string EntraIdScope = "https://batch.core.windows.net//.default";

    private const string JsonContentType = "application/json; odata=minimalmetadata";

    private static readonly ResponseClassifier Ok200 = new StatusCodeClassifier(stackalloc ushort[] { 200 });
    private static readonly ResponseClassifier Created201 = new StatusCodeClassifier(stackalloc ushort[] { 201 });
    private static readonly ResponseClassifier Accepted202 = new StatusCodeClassifier(stackalloc ushort[] { 202 });

    private readonly HttpPipeline _pipeline;
    private readonly string _apiVersion;

    /// <summary>Shared Key authentication with the account name and its base64 key.</summary>
    public BatchClient(Uri endpoint, AzureNamedKeyCredential credential, BatchClientOptions? options = null)
        : this(endpoint, new BatchSharedKeyPolicy(credential ?? throw new ArgumentNullException(nameof(credential))), options)
    {
    }

    /// <summary>Microsoft Entra ID authentication through any TokenCredential (Azure.Identity); a 401 Bearer challenge gets a fresh token and one retry.</summary>
    public BatchClient(Uri endpoint, TokenCredential credential, BatchClientOptions? options = null)
        : this(endpoint, new BatchBearerTokenPolicy(
            credential ?? throw new ArgumentNullException(nameof(credential)), EntraIdScope), options)
    {
    }

    private BatchClient(Uri endpoint, HttpPipelinePolicy authenticationPolicy, BatchClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"The Batch endpoint must be an absolute http(s) URL, got '{endpoint}'.", nameof(endpoint));

        options ??= new BatchClientOptions();
        Endpoint = endpoint;
        _apiVersion = options.ApiVersion;
        _pipeline = HttpPipelineBuilder.Build(new HttpPipelineOptions(options)
        {
            PerCallPolicies = { BatchClientRequestIdPolicy.Shared },
            // Per retry: each attempt is signed (or gets its token) afresh.
            PerRetryPolicies = { authenticationPolicy, BwRequestCounts.BatchPolicy },
            RequestFailedDetailsParser = BatchErrorDetailsParser.Shared,
        });
    }

    /// <summary>The account endpoint every path hangs off.</summary>
    public virtual Uri Endpoint { get; }

    // ---- request plumbing shared by the operation files ----

    /// <summary>Creates a request for endpoint + the escaped path segments + api-version.</summary>
    private HttpMessage CreateMessage(RequestMethod method, ResponseClassifier classifier, params string[] pathSegments)
    {
        var message = _pipeline.CreateMessage();
        message.ResponseClassifier = classifier;
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(Endpoint);
        foreach (var segment in pathSegments)
        {
            // Each segment is escaped whole, so "/" inside a file path travels as %2F (as the .NET SDK sends it).
            // An endpoint may end in "/" or carry a path prefix (a proxy): never produce "//".
            if (!request.Uri.Path.EndsWith('/')) request.Uri.AppendPath("/", escape: false);
            request.Uri.AppendPath(segment, escape: true);
        }
        request.Uri.AppendQuery("api-version", _apiVersion, escapeValue: true);
        request.Headers.SetValue("Accept", "application/json");
        return message;
    }

    private static void ValidateId(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameterName);
    }

    private static void SetJsonBody<T>(HttpMessage message, T body)
    {
        SetUtf8JsonBody(message, BatchJson.SerializeToUtf8Bytes(body));
    }

    private static void SetUtf8JsonBody(HttpMessage message, ReadOnlyMemory<byte> utf8Json)
    {
        message.Request.Headers.SetValue("Content-Type", JsonContentType);
        message.Request.Content = RequestContent.Create(utf8Json);
    }

    /// <summary>
    /// Checks the list arguments now (not at the first enumeration) and returns the factory of the first page's
    /// request; later pages come from odata.nextLink.
    /// </summary>
    private Func<HttpMessage> ListRequest(int? maxresults, string? filter, IEnumerable<string>? select, params string[] pathSegments)
    {
        if (maxresults is < 1 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(maxresults), maxresults, "maxresults must be 1 to 1000.");
        var selected = select?.ToArray();
        return () =>
        {
            var message = CreateMessage(RequestMethod.Get, Ok200, pathSegments);
            if (maxresults is { } max)
                message.Request.Uri.AppendQuery("maxresults", max.ToString(CultureInfo.InvariantCulture), escapeValue: true);
            if (!string.IsNullOrEmpty(filter)) message.Request.Uri.AppendQuery("$filter", filter, escapeValue: true);
            AddSelect(message, selected);
            return message;
        };
    }

    private static void AddSelect(HttpMessage message, IEnumerable<string>? select)
    {
        if (select is null) return;
        var joined = string.Join(",", select);
        if (joined.Length > 0) message.Request.Uri.AppendQuery("$select", joined, escapeValue: true);
    }

    /// <summary>Sends and throws a RequestFailedException (with the Batch code) for any status the operation does not expect.</summary>
    private async ValueTask<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        var response = message.Response;
        if (response.IsError) throw new RequestFailedException(response, null, BatchErrorDetailsParser.Shared);
        return response;
    }

    /// <summary>
    /// A DELETE whose first attempt got no answer (the connection dropped after the service accepted it) is retried
    /// by the pipeline and then meets 404 or 409 "being deleted": the deletion is what this very call asked for,
    /// so on a retry those answers are success. On a first attempt they stay errors (no such id; somebody else's).
    /// </summary>
    private async ValueTask<Response> SendDeleteAsync(HttpMessage message, string beingDeletedCode, CancellationToken cancellationToken)
    {
        try { return await SendAsync(message, cancellationToken).ConfigureAwait(false); }
        catch (RequestFailedException e) when (message.ProcessingContext.RetryNumber > 0 &&
                                               (e.Status == 404 || (e.Status == 409 && e.ErrorCode == beingDeletedCode)))
        {
            return message.Response;
        }
    }

    private async ValueTask<Response<T>> SendAndReadAsync<T>(HttpMessage message, CancellationToken cancellationToken)
    {
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(BatchJson.Deserialize<T>(response.Content), response);
    }

    // ---- paging ----

    /// <summary>One page of a list response: the items and, unless it is the last page, odata.nextLink.</summary>
    private sealed class BatchListResult<T>
    {
        public IReadOnlyList<T>? Value { get; init; }

        [JsonPropertyName("odata.nextLink")]
        public string? NextLink { get; init; }
    }

    private AsyncPageable<T> CreateAsyncPageable<T>(Func<HttpMessage> createFirstPage, CancellationToken cancellationToken) where T : notnull =>
        new BatchAsyncPageable<T>((next, ct) => GetPageAsync<T>(createFirstPage, next, ct), cancellationToken);

    private async ValueTask<Page<T>> GetPageAsync<T>(Func<HttpMessage> createFirstPage, string? nextLink,
        CancellationToken cancellationToken)
    {
        using var message = nextLink is null ? createFirstPage() : CreateNextPageMessage(nextLink);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var page = BatchJson.Deserialize<BatchListResult<T>>(response.Content);
        var next = string.IsNullOrEmpty(page.NextLink) ? null : page.NextLink;
        return Page<T>.FromValues(page.Value ?? Array.Empty<T>(), next, response);
    }

    /// <summary>
    /// GETs an odata.nextLink as the service gave it: it already carries the original $filter, $select, maxresults
    /// and the continuation token. Only api-version is added when missing. A link that names another host is
    /// re-rooted on this client's endpoint, so the account's credentials are never sent anywhere else.
    /// </summary>
    private HttpMessage CreateNextPageMessage(string nextLink)
    {
        if (!Uri.TryCreate(nextLink, UriKind.Absolute, out var link))
            link = new Uri(Endpoint, nextLink);
        if (Uri.Compare(link, Endpoint, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0)
            link = new Uri(Endpoint, link.PathAndQuery);

        var message = _pipeline.CreateMessage();
        message.ResponseClassifier = Ok200;
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(link);
        if (!HasQueryParameter(link, "api-version"))
            message.Request.Uri.AppendQuery("api-version", _apiVersion, escapeValue: true);
        message.Request.Headers.SetValue("Accept", "application/json");
        return message;
    }

    private static bool HasQueryParameter(Uri uri, string name) =>
        System.Web.HttpUtility.ParseQueryString(uri.Query).AllKeys
            .Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
}
