using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// Checks (and changes) the test run's Batch emulator with plain HTTP and Shared Key signing (reference
/// batch-rest-api.md §7.1), independently of the module's BatchClient: what a test asserts about pools, jobs
/// and nodes is read here, not through the code under test. Also does what a user would do in the portal
/// (resize a pool) and the cleanup a failed test must not skip (delete pools and jobs).
/// </summary>
public sealed class BatchProbe
{
    private const string ApiVersion = "2025-06-01.21.0";
    private const string JsonType = "application/json; odata=minimalmetadata";
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Uri _endpoint;
    private readonly string _account;
    private readonly byte[] _key;

    public BatchProbe(Uri endpoint, string account, string base64Key)
    {
        _endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/");
        _account = account;
        _key = Convert.FromBase64String(base64Key);
    }

    /// <summary>The pool as the service returns it, or null when there is no such pool.</summary>
    public JsonElement? GetPool(string id) => GetOrNull($"pools/{id}");

    /// <summary>The job as the service returns it, or null when there is no such job.</summary>
    public JsonElement? GetJob(string id) => GetOrNull($"jobs/{id}");

    /// <summary>The task as the service returns it, or null.</summary>
    public JsonElement? GetTask(string jobId, string taskId) => GetOrNull($"jobs/{jobId}/tasks/{taskId}");

    /// <summary>A pool's state (active, deleting), or null when it does not exist.</summary>
    public string? PoolState(string id) => GetPool(id)?.GetProperty("state").GetString();

    /// <summary>A job's state (active, terminating, completed, deleting), or null when it does not exist.</summary>
    public string? JobState(string id) => GetJob(id)?.GetProperty("state").GetString();

    /// <summary>The ids of every pool of the account, as listed (including pools being deleted).</summary>
    public IReadOnlyList<string> PoolIds() => List("pools", "id").Select(p => p.GetProperty("id").GetString()!).ToList();

    /// <summary>The ids of every job of the account.</summary>
    public IReadOnlyList<string> JobIds() => List("jobs", "id").Select(p => p.GetProperty("id").GetString()!).ToList();

    /// <summary>Each node of the pool: (id, state).</summary>
    public IReadOnlyList<(string Id, string State)> Nodes(string poolId)
        => List($"pools/{poolId}/nodes", "id,state").Select(n => (n.GetProperty("id").GetString()!, n.GetProperty("state").GetString()!)).ToList();

    /// <summary>Sets the pool's dedicated node count, as a portal or autoscale resize would.</summary>
    public void ResizePool(string id, int nodes)
    {
        using var response = Send(HttpMethod.Post, $"pools/{id}/resize", $$"""{"targetDedicatedNodes":{{nodes}}}""");
        EnsureSuccess(response, $"POST pools/{id}/resize");
    }

    /// <summary>Deletes the job if it exists (its running tasks are killed); for test cleanup.</summary>
    public void DeleteJobIfExists(string id) => DeleteIfExists($"jobs/{id}");

    /// <summary>Deletes the pool if it exists; for test cleanup.</summary>
    public void DeletePoolIfExists(string id) => DeleteIfExists($"pools/{id}");

    private void DeleteIfExists(string path)
    {
        using var response = Send(HttpMethod.Delete, path);
        // 404: already gone; 409: already being deleted.
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict) return;
        EnsureSuccess(response, $"DELETE {path}");
    }

    private JsonElement? GetOrNull(string path)
    {
        using var response = Send(HttpMethod.Get, path);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        EnsureSuccess(response, $"GET {path}");
        using var json = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return json.RootElement.Clone();
    }

    private IEnumerable<JsonElement> List(string path, string select)
    {
        string? next = $"{path}?$select={Uri.EscapeDataString(select)}";
        while (next is not null)
        {
            using var response = Send(HttpMethod.Get, next);
            EnsureSuccess(response, $"GET {path}");
            using var json = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            foreach (var item in json.RootElement.GetProperty("value").EnumerateArray()) yield return item.Clone();
            next = json.RootElement.TryGetProperty("odata.nextLink", out var link) ? link.GetString() : null;
        }
    }

    private HttpResponseMessage Send(HttpMethod method, string relative, string? json = null)
    {
        var uri = relative.StartsWith("http", StringComparison.Ordinal) ? new Uri(relative) : new Uri(_endpoint, relative);
        if (!uri.Query.Contains("api-version=", StringComparison.Ordinal))
            uri = new Uri(uri + (uri.Query.Length > 0 ? "&" : "?") + "api-version=" + ApiVersion);
        using var request = new HttpRequestMessage(method, uri);
        byte[] body = json is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(json);
        if (json is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", JsonType);
        }
        var date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("ocp-date", date);

        var toSign = new StringBuilder()
            .Append(method.Method).Append('\n')
            .Append('\n') // Content-Encoding
            .Append('\n') // Content-Language
            .Append(body.Length == 0 ? "" : body.Length.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append('\n') // Content-MD5
            .Append(json is null ? "" : JsonType).Append('\n')
            .Append("\n\n\n\n\n\n") // Date (ocp-date is used), If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range
            .Append("ocp-date:").Append(date).Append('\n')
            .Append('/').Append(_account).Append(uri.AbsolutePath);
        var query = (uri.Query.Length > 1 ? uri.Query[1..] : "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Uri.UnescapeDataString(p[0]).ToLowerInvariant(), Value: p.Length > 1 ? Uri.UnescapeDataString(p[1]) : ""))
            .GroupBy(p => p.Name).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in query) toSign.Append('\n').Append(group.Key).Append(':').Append(string.Join(",", group.Select(p => p.Value).Order(StringComparer.Ordinal)));

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
