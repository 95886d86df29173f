using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchWords.Batch.Serialization;

/// <summary>
/// The one set of JSON rules every Batch request and response goes through: camelCase names (properties whose
/// wire name is irregular, like nodeAgentSKUId, carry an explicit JsonPropertyName), nulls left out (an absent
/// property means "not set", and PATCH relies on that), unknown properties such as odata.metadata ignored,
/// ISO-8601 durations.
/// </summary>
internal static class BatchJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            // Bodies go to the Batch service, never into HTML: write ' + & < > as themselves, not \u0027 and co.,
            // so command lines stay readable in logs and the 1 MiB budget is not spent on escapes.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new IsoDurationConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(BinaryData content) =>
        content.ToObjectFromJson<T>(Options) ??
        throw new JsonException($"The service returned an empty {typeof(T).Name}.");
}
