using System.Text.Json.Nodes;

namespace BatchWords.Emulator.Query;

/// <summary>
/// $select: a comma-separated list of top-level property names; only those are returned. Names are matched
/// ignoring case; a name the entity does not have is simply absent from the answer.
/// </summary>
public sealed class SelectProjection
{
    private readonly HashSet<string>? _names;

    private SelectProjection(HashSet<string>? names) => _names = names;

    public static SelectProjection All { get; } = new(null);

    public static SelectProjection Parse(string? select)
    {
        if (string.IsNullOrWhiteSpace(select)) return All;
        var names = select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length == 0 ? All : new SelectProjection(new HashSet<string>(names, StringComparer.OrdinalIgnoreCase));
    }

    public JsonObject Apply(JsonObject entity)
    {
        if (_names is null) return entity;
        foreach (var name in entity.Select(p => p.Key).ToList())
            if (!_names.Contains(name)) entity.Remove(name);
        return entity;
    }
}
