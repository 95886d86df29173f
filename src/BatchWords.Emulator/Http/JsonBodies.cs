using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchWords.Emulator.Model;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Reads request bodies (bounded, so an oversized one is a clean 413) and writes JSON answers the way the
/// service does: odata.metadata first, then the object's properties, with the service's Content-Type.
/// </summary>
public static class JsonBodies
{
    public const string ContentType = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";

    /// <summary>Generous for every body but add-task-collection, which has its own 1 MiB limit.</summary>
    public const int DefaultMaxBodyBytes = 4 * 1024 * 1024;

    public static async Task<byte[]> ReadBytesAsync(HttpContext context, int maxBytes)
    {
        if (context.Request.ContentLength is { } declared && declared >= maxBytes)
            throw BatchRequestException.BodyTooLarge(maxBytes, $"The body is {declared} bytes.");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length >= maxBytes)
                throw BatchRequestException.BodyTooLarge(maxBytes, "The body is larger than the limit.");
        }
        return buffer.ToArray();
    }

    /// <summary>The body as <typeparamref name="T"/>; empty or malformed JSON is 400 InvalidRequestBody.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext context, int maxBytes = DefaultMaxBodyBytes) where T : class
    {
        var bytes = await ReadBytesAsync(context, maxBytes).ConfigureAwait(false);
        return Parse<T>(bytes);
    }

    /// <summary>Like <see cref="ReadAsync{T}"/>, but an empty body is allowed (null).</summary>
    public static async Task<T?> ReadOptionalAsync<T>(HttpContext context) where T : class
    {
        var bytes = await ReadBytesAsync(context, DefaultMaxBodyBytes).ConfigureAwait(false);
        return bytes.Length == 0 ? null : Parse<T>(bytes);
    }

    public static T Parse<T>(byte[] bytes) where T : class
    {
        if (bytes.Length == 0) throw BatchRequestException.InvalidBody("The request body is empty.");
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, WireJson.Options) ?? throw BatchRequestException.InvalidBody("The request body is null.");
        }
        catch (JsonException e)
        {
            throw BatchRequestException.InvalidBody(e.Message);
        }
    }

    /// <summary>The object as JSON properties (before projection and the odata.metadata property).</summary>
    public static JsonObject ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, WireJson.Options)!.AsObject();

    /// <summary>A single entity: odata.metadata "{base}/$metadata#{set}/@Element", then its properties.</summary>
    public static Task WriteEntityAsync(HttpContext context, string entitySet, JsonObject body, int status = 200)
    {
        var result = new JsonObject { ["odata.metadata"] = $"{BaseUrl.Of(context)}/$metadata#{entitySet}/@Element" };
        foreach (var (name, value) in body.ToList())
        {
            body.Remove(name);
            result[name] = value;
        }
        return WriteAsync(context, result, status);
    }

    /// <summary>A list page: odata.metadata "{base}/$metadata#{set}", value, and odata.nextLink unless last.</summary>
    public static Task WriteListAsync(HttpContext context, string entitySet, IEnumerable<JsonObject> items, string? nextLink)
    {
        var array = new JsonArray();
        foreach (var item in items) array.Add(item);
        var result = new JsonObject
        {
            ["odata.metadata"] = $"{BaseUrl.Of(context)}/$metadata#{entitySet}",
            ["value"] = array,
        };
        if (nextLink is not null) result["odata.nextLink"] = nextLink;
        return WriteAsync(context, result, (int)HttpStatusCode.OK);
    }

    private static async Task WriteAsync(HttpContext context, JsonObject body, int status)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, WireJson.Options);
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = bytes.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
