using System.Collections.ObjectModel;

namespace BatchWords;

/// <summary>
/// A read-only list that Export-Csv and other string conversions show by its items ("to 18; and 17") instead of
/// its type name. It stays a real list, so scripts still index, count and pipe its items.
/// </summary>
public sealed class DisplayList<T> : ReadOnlyCollection<T>
{
    public DisplayList(IEnumerable<T> items) : base(items.ToList()) { }

    public static DisplayList<T> Empty { get; } = new(Array.Empty<T>());

    public override string ToString() => string.Join("; ", this);
}

/// <summary>
/// Counts by name (node states): a real read-only dictionary for scripts ($pool.NodeStates.idle), shown by its
/// entries ("idle 2; running 1") by Export-Csv and string conversions instead of its type name.
/// </summary>
public sealed class DisplayCounts : ReadOnlyDictionary<string, int>
{
    public DisplayCounts(IDictionary<string, int> counts) : base(counts) { }

    public static DisplayCounts Empty { get; } = new(new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase));

    public override string ToString() => string.Join("; ", this.Select(pair => $"{pair.Key} {pair.Value}"));
}
