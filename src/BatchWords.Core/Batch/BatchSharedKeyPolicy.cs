using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace BatchWords.Batch;

/// <summary>
/// Signs each request with the Batch Shared Key scheme (batch-rest-api.md §7.1). It sits in the per-retry
/// policies so every attempt gets a fresh ocp-date: the service rejects a date more than 15 minutes old,
/// and a retry after a long Retry-After must not reuse the first attempt's signature.
/// </summary>
internal sealed class BatchSharedKeyPolicy : HttpPipelineSynchronousPolicy
{
    private const string OcpHeaderPrefix = "ocp-";

    // Standard headers signed by value, one line each, in this order. Content-Length is handled apart, and so is
    // Date: this policy always sets ocp-date, and the documented rule is then an empty Date line even when a Date
    // header is present (some HTTP stacks and proxies add one the signer cannot see in time).
    private static readonly string[] HeadersBeforeLength = { "Content-Encoding", "Content-Language" };
    private static readonly string[] HeadersBetweenLengthAndDate = { "Content-MD5", "Content-Type" };
    private static readonly string[] HeadersAfterDate =
    {
        "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
    };

    private readonly AzureNamedKeyCredential _credential;
    private readonly Func<DateTimeOffset> _clock;

    public BatchSharedKeyPolicy(AzureNamedKeyCredential credential, Func<DateTimeOffset>? clock = null)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        var (name, key) = credential;
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("The Batch account name is empty.", nameof(credential));
        SecretScrubber.Register(key);
        DecodeKey(key); // fail at construction, not on the first request, when the key is not base64
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        base.OnSendingRequest(message);
        // Read the credential per request: AzureNamedKeyCredential.Update rotates the key in place.
        var (account, key) = _credential;
        Sign(message.Request, _clock(), account, DecodeKey(key));
    }

    /// <summary>
    /// Sets ocp-date and Authorization on the request and returns what was signed. Internal so the signing
    /// can be checked against fixed vectors with a fixed date.
    /// </summary>
    internal static BatchSignature Sign(Request request, DateTimeOffset date, string account, byte[] key)
    {
        request.Headers.SetValue("ocp-date", date.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
        var stringToSign = BuildStringToSign(request, account);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.SetValue("Authorization", $"SharedKey {account}:{signature}");
        return new BatchSignature(stringToSign, signature);
    }

    internal static string BuildStringToSign(Request request, string account)
    {
        var builder = new StringBuilder(256);
        builder.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        foreach (var name in HeadersBeforeLength) builder.Append(HeaderValue(request, name)).Append('\n');

        // As the .NET SDK does: a zero or unknown length signs an empty line (see §7.1 on the ambiguity).
        long length = 0;
        var hasLength = request.Content?.TryComputeLength(out length) == true && length > 0;
        builder.Append(hasLength ? length.ToString(CultureInfo.InvariantCulture) : string.Empty).Append('\n');

        foreach (var name in HeadersBetweenLengthAndDate) builder.Append(HeaderValue(request, name)).Append('\n');
        builder.Append('\n'); // Date: empty, ocp-date carries the time (see the standard headers above)
        foreach (var name in HeadersAfterDate) builder.Append(HeaderValue(request, name)).Append('\n');
        AppendCanonicalizedHeaders(builder, request);
        AppendCanonicalizedResource(builder, request.Uri.ToUri(), account);
        return builder.ToString();
    }

    internal static byte[] DecodeKey(string key)
    {
        try
        {
            return Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            // Never echo the key: it is a secret even when malformed.
            throw new ArgumentException("The Batch account key is not valid base64.", nameof(key));
        }
    }

    private static string HeaderValue(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : string.Empty;

    private static void AppendCanonicalizedHeaders(StringBuilder builder, Request request)
    {
        var ocpHeaders = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers)
        {
            if (!header.Name.StartsWith(OcpHeaderPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var value = header.Value.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Trim();
            ocpHeaders.Add(new(header.Name.ToLowerInvariant(), value));
        }
        ocpHeaders.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, value) in ocpHeaders) builder.Append(name).Append(':').Append(value).Append('\n');
    }

    private static void AppendCanonicalizedResource(StringBuilder builder, Uri uri, string account)
    {
        // AbsolutePath keeps the escaping the request is sent with (e.g. %2F inside a file path).
        var path = uri.AbsolutePath;
        builder.Append('/').Append(account).Append(string.IsNullOrEmpty(path) ? "/" : path);

        // As the official .NET SDK's BatchNamedKeyCredentialPolicy, whose form the service is known to accept:
        // decoded parameters grouped by name without regard to case (the first spelling sent names the group),
        // the names sorted ordinally as sent and lower-cased when written, and a repeated parameter's values
        // joined with commas in the order sent.
        var query = HttpUtility.ParseQueryString(uri.Query);
        var names = query.AllKeys.Select(name => name ?? string.Empty).ToList();
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
            builder.Append('\n').Append(name.ToLowerInvariant()).Append(':').Append(query[name.Length == 0 ? null : name]);
    }
}

/// <summary>What a request was signed with: the canonical string and the resulting base64 signature.</summary>
internal readonly record struct BatchSignature(string StringToSign, string Signature);
