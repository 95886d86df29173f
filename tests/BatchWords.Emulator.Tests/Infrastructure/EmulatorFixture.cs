using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using BatchWords.Batch;
using BatchWords.Emulator.Http;
using Xunit;

namespace BatchWords.Emulator.Tests.Infrastructure;

/// <summary>
/// One in-process emulator (Kestrel on 127.0.0.1, a free port) with its own data directory and a random account
/// key, stopped and cleaned up at the end. Gives a Core BatchClient and a raw, correctly signed HttpClient.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string Account = "devbatch";
    public const string ApiVersion = "2025-06-01.21.0";

    private EmulatorHandle? _handle;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"bw-emulator-{Guid.NewGuid():N}");
    public string Key { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public Uri BaseUri => _handle!.BaseUri;
    public HttpClient Http { get; } = new();

    /// <summary>EmulatorOptions.TransientStateStay; the emulator's default unless a test sets it.</summary>
    public TimeSpan TransientStateStay { get; init; } = EmulatorOptions.DefaultTransientStateStay;

    /// <summary>The running emulator's state and runtime, for tests that look behind the HTTP answers.</summary>
    internal global::BatchWords.Emulator.Runtime.EmulatorRuntime Runtime => _handle!.Runtime;

    public async Task InitializeAsync()
    {
        _handle = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            AccountName = Account, AccountKey = Key, DataDirectory = DataDirectory, TransientStateStay = TransientStateStay,
        });
    }

    public async Task DisposeAsync()
    {
        if (_handle is not null) await _handle.DisposeAsync();
        Http.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The product's client, exactly as the cmdlets build it.</summary>
    public BatchClient CreateClient() => new(BaseUri, new AzureNamedKeyCredential(Account, Key));

    /// <summary>A request signed per §7.1 (ocp-date now), optionally with a JSON body.</summary>
    public HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, string? json = null, Action<HttpRequestMessage>? customize = null)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUri, pathAndQuery));
        if (json is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; odata=minimalmetadata");
        }
        request.Headers.TryAddWithoutValidation("ocp-date", DateTimeOffset.UtcNow.ToString("r"));
        customize?.Invoke(request);
        Sign(request, Key);
        return request;
    }

    public static void Sign(HttpRequestMessage request, string key)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value))).ToList();
        string? Header(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        var length = request.Content?.Headers.ContentLength is { } n and > 0 ? n.ToString() : "";
        var stringToSign = SharedKeyStringToSign.Build(request.Method.Method, Header, length, headers, Account,
            request.RequestUri!.AbsolutePath, request.RequestUri.Query);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {Account}:{signature}");
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? json = null, Action<HttpRequestMessage>? customize = null)
    {
        using var request = Signed(method, pathAndQuery, json, customize);
        return await Http.SendAsync(request);
    }

    /// <summary>GETs a resource, asserts 200 OK and returns its JSON body (path and query as sent, see <see cref="Q"/>).</summary>
    public async Task<JsonObject> GetJsonAsync(string pathAndQuery)
    {
        using var response = await SendAsync(HttpMethod.Get, pathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    /// <summary>A response's JSON body as an object (error bodies included).</summary>
    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>A pool body the emulator accepts: Ubuntu 22.04 image, standard_d2s_v3, the given size and slots.</summary>
    public static string PoolJson(string id, int nodes = 1, int slots = 1) => $$$"""
        {"id":"{{{id}}}","vmSize":"standard_d2s_v3","targetDedicatedNodes":{{{nodes}}},"taskSlotsPerNode":{{{slots}}},
         "virtualMachineConfiguration":{"imageReference":{"publisher":"canonical","offer":"0001-com-ubuntu-server-jammy","sku":"22_04-lts","version":"latest"},
         "nodeAgentSKUId":"batch.node.ubuntu 22.04"}}
        """;

    /// <summary>"?api-version=…" with more query parameters after it.</summary>
    public static string Q(string path, string extra = "") => $"{path}?api-version={ApiVersion}{(extra.Length > 0 ? "&" + extra : "")}";
}

[CollectionDefinition(Name)]
public sealed class WireCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Wire";
}

[CollectionDefinition(Name)]
public sealed class ContractCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Contract";
}
