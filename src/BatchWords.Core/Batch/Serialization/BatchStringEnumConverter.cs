using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchWords.Batch.Serialization;

/// <summary>
/// Reads and writes an extensible enum as its exact wire string (no naming policy applies: the service's
/// spellings are irregular, so each value's string is spelled out where the enum is declared).
/// </summary>
internal sealed class BatchStringEnumConverter<T> : JsonConverter<T> where T : struct, IBatchStringEnum<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"Expected a string for {typeof(T).Name}, got {reader.TokenType}.");
        return T.FromWireValue(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
