using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Writes the Batch error body (§6.1): a top-level object with odata.metadata, code, a language-tagged message
/// ending in "\nRequestId:…\nTime:…", and key/value details. HEAD answers carry the status only, as on Azure.
/// </summary>
public static class BatchErrorWriter
{
    public static Task WriteAsync(HttpContext context, BatchRequestException error) =>
        WriteAsync(context, error.Status, error.Code, error.Message, error.Values);

    public static async Task WriteAsync(HttpContext context, int status, string code, string message,
        IReadOnlyList<(string Key, string Value)>? values = null)
    {
        var response = context.Response;
        if (response.HasStarted) return; // a file body was already streaming: nothing sensible can be added
        response.StatusCode = status;
        // Headers set for the success path (ETag, DataServiceId) must not describe a failed request.
        response.Headers.Remove("ETag");
        response.Headers.Remove("Last-Modified");
        response.Headers.Remove("DataServiceId");
        // 304 has no body by definition.
        if (HttpMethods.IsHead(context.Request.Method) || status == 304) return;

        var requestId = RequestIdHeaders.RequestIdOf(context);
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("odata.metadata", $"{BaseUrl.Of(context)}/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element");
            writer.WriteString("code", code);
            writer.WriteStartObject("message");
            writer.WriteString("lang", "en-US");
            writer.WriteString("value", $"{message}\nRequestId:{requestId}\nTime:{time}");
            writer.WriteEndObject();
            if (values is { Count: > 0 })
            {
                writer.WriteStartArray("values");
                foreach (var (key, value) in values)
                {
                    writer.WriteStartObject();
                    writer.WriteString("key", key);
                    writer.WriteString("value", value);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        response.ContentType = JsonBodies.ContentType;
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).ConfigureAwait(false);
    }
}
