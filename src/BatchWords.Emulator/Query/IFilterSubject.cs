using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchWords.Emulator.Query;

/// <summary>
/// What $filter reads from an entity: the value at a wire property path such as "executionInfo/exitCode"
/// (the parser hands it over lower-cased: "executioninfo/exitcode"), as a string, decimal, bool or DateTimeOffset, or null when the entity has none.
/// </summary>
public interface IFilterSubject
{
    object? Value(string path);
}

/// <summary>An entity's wire JSON as a filter subject: the general form, for lists whose items are few.</summary>
public sealed class JsonFilterSubject(JsonObject entity) : IFilterSubject
{
    public object? Value(string path)
    {
        JsonNode? current = entity;
        foreach (var segment in path.Split('/'))
        {
            if (current is not JsonObject obj) return null;
            current = obj.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value;
        }
        if (current is not JsonValue value) return null;
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.GetValue<decimal>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };
    }
}
