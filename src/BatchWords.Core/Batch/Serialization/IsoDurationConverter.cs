using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace BatchWords.Batch.Serialization;

/// <summary>
/// Batch durations are ISO-8601 ("PT15M", "P1D"); "unlimited" comes back as TimeSpan.MaxValue
/// ("P10675199DT2H48M5.4775807S"). XmlConvert round-trips exactly these forms, System.Text.Json's default
/// TimeSpan format ("00:15:00") would be rejected by the service.
/// </summary>
internal sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"Expected an ISO-8601 duration string, got {reader.TokenType}.");
        var text = reader.GetString()!;
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException e)
        {
            throw new JsonException($"'{text}' is not an ISO-8601 duration.", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(XmlConvert.ToString(value));
}
