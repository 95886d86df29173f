using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchWords.Batch.Serialization;

/// <summary>
/// Some Batch int64 fields (file contentLength, I/O statistics) travel as JSON strings ("1813") so that
/// JavaScript clients do not lose precision. Reads either form, writes the string form the service uses.
/// </summary>
internal sealed class Int64AsStringConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.GetInt64();
        if (reader.TokenType == JsonTokenType.String &&
            long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            return value;
        throw new JsonException($"Expected an int64 as a string or number, got {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
}
