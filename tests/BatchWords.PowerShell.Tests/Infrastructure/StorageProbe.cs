using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// Checks (and seeds) the test Azurite with plain HTTP and Shared Key signing, independently of the product:
/// a bug in the module's storage code cannot hide behind the same code verifying it. Also fetches URLs
/// anonymously (SAS URLs the module issued). No proxy: the endpoint is loopback.
/// </summary>
public sealed class StorageProbe
{
    private const string Version = "2021-12-02";
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Uri _blobEndpoint;
    private readonly string _account;
    private readonly byte[] _key;

    public StorageProbe(Uri blobEndpoint, string account, string base64Key)
    {
        _blobEndpoint = new Uri(blobEndpoint.ToString().TrimEnd('/') + "/");
        _account = account;
        _key = Convert.FromBase64String(base64Key);
    }

    public bool ContainerExists(string container)
    {
        using var response = Send(HttpMethod.Get, $"{container}?restype=container");
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        EnsureSuccess(response, $"GET container {container}");
        return true;
    }

    public void CreateContainer(string container)
    {
        using var response = Send(HttpMethod.Put, $"{container}?restype=container");
        EnsureSuccess(response, $"PUT container {container}");
    }

    /// <summary>Deletes the container if it exists (test cleanup).</summary>
    public void DeleteContainerIfExists(string container)
    {
        using var response = Send(HttpMethod.Delete, $"{container}?restype=container");
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        EnsureSuccess(response, $"DELETE container {container}");
    }

    /// <summary>Writes a block blob; <paramref name="blobName"/> is sent as given (escape it yourself if needed).</summary>
    public void PutBlob(string container, string blobName, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        using var response = Send(HttpMethod.Put, $"{container}/{blobName}", body, ("x-ms-blob-type", "BlockBlob"));
        EnsureSuccess(response, $"PUT blob {container}/{blobName}");
    }

    /// <summary>The blob's bytes, or null when it does not exist.</summary>
    public byte[]? GetBlob(string container, string blobName)
    {
        using var response = Send(HttpMethod.Get, $"{container}/{blobName}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        EnsureSuccess(response, $"GET blob {container}/{blobName}");
        return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }

    /// <summary>The blob's ETag (it changes whenever the blob is written), or null when it does not exist.</summary>
    public string? BlobETag(string container, string blobName)
    {
        using var response = Send(HttpMethod.Head, $"{container}/{blobName}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        EnsureSuccess(response, $"HEAD blob {container}/{blobName}");
        return response.Headers.ETag?.Tag;
    }

    /// <summary>Every blob name in the container, following the listing's continuation markers.</summary>
    public IReadOnlyList<string> ListBlobs(string container)
    {
        var names = new List<string>();
        string? marker = null;
        do
        {
            var query = $"{container}?restype=container&comp=list" + (marker is null ? "" : "&marker=" + Uri.EscapeDataString(marker));
            using var response = Send(HttpMethod.Get, query);
            EnsureSuccess(response, $"List {container}");
            var xml = XDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            names.AddRange(xml.Descendants("Blob").Select(b => (string)b.Element("Name")!));
            marker = (string?)xml.Root!.Element("NextMarker");
        } while (!string.IsNullOrEmpty(marker));
        return names;
    }

    /// <summary>
    /// An account SAS token (no leading '?') for the blob service, signed with the account key: what a user
    /// would paste into Connect-BwAccount -SasToken. <paramref name="permissions"/> in "racwdl" letters.
    /// </summary>
    public string AccountSas(string permissions, TimeSpan validFor)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var expiry = DateTimeOffset.UtcNow.Add(validFor).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        // Version 2020-12-06 and later sign the encryption scope too (empty here).
        var toSign = string.Join("\n", _account, permissions, "b", "sco", start, expiry, "", "https,http", Version, "") + "\n";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(toSign)));
        return $"sv={Version}&ss=b&srt=sco&sp={permissions}&st={Uri.EscapeDataString(start)}&se={Uri.EscapeDataString(expiry)}" +
            $"&spr=https,http&sig={Uri.EscapeDataString(signature)}";
    }

    /// <summary>An anonymous GET (no Authorization header): what a Batch node does with a SAS URL.</summary>
    public static (HttpStatusCode Status, byte[] Body) GetAnonymous(Uri uri)
    {
        using var response = Http.GetAsync(uri).GetAwaiter().GetResult();
        return (response.StatusCode, response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult());
    }

    /// <summary>An anonymous PUT of a block blob to a (SAS) URL.</summary>
    public static HttpStatusCode PutAnonymous(Uri uri, byte[] content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent(content) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", Version);
        using var response = Http.Send(request);
        return response.StatusCode;
    }

    private HttpResponseMessage Send(HttpMethod method, string relative, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        // Every probe request is idempotent. Under load Node may close a kept-alive connection just as a
        // request goes out on it ("response ended prematurely"): send again on a fresh one.
        for (var attempt = 1; ; attempt++)
        {
            try { return SendOnce(method, relative, content, headers); }
            catch (HttpRequestException) when (attempt < 3) { }
        }
    }

    private HttpResponseMessage SendOnce(HttpMethod method, string relative, HttpContent? content, (string Name, string Value)[] headers)
    {
        var uri = new Uri(_blobEndpoint, relative);
        var request = new HttpRequestMessage(method, uri) { Content = content };
        var date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        var msHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["x-ms-date"] = date, ["x-ms-version"] = Version };
        foreach (var (name, value) in headers) msHeaders[name.ToLowerInvariant()] = value;
        foreach (var (name, value) in msHeaders) request.Headers.TryAddWithoutValidation(name, value);
        var length = content is null ? 0 : content.Headers.ContentLength ?? 0;

        var toSign = new StringBuilder()
            .Append(method.Method).Append('\n')
            .Append('\n') // Content-Encoding
            .Append('\n') // Content-Language
            .Append(length == 0 ? "" : length.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append('\n') // Content-MD5
            .Append(content?.Headers.ContentType?.ToString() ?? "").Append('\n')
            .Append("\n\n\n\n\n\n"); // Date, If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range
        foreach (var (name, value) in msHeaders) toSign.Append(name).Append(':').Append(value).Append('\n');
        toSign.Append('/').Append(_account).Append(uri.AbsolutePath);
        var query = (uri.Query.Length > 1 ? uri.Query[1..] : "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Uri.UnescapeDataString(p[0]).ToLowerInvariant(), Value: p.Length > 1 ? Uri.UnescapeDataString(p[1]) : ""))
            .GroupBy(p => p.Name).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in query) toSign.Append('\n').Append(group.Key).Append(':').Append(string.Join(",", group.Select(p => p.Value)));

        var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(toSign.ToString())));
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {_account}:{signature}");
        return Http.Send(request);
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}: {body}");
    }
}
