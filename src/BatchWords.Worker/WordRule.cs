namespace BatchWords.Worker;

/// <summary>How a file is cut into words. Both rules are exact: see <see cref="TokenRules"/> for the definitions.</summary>
public enum WordRule
{
    /// <summary>The tutorial's rule (the default): split on Unicode white space, strip ASCII punctuation, case-sensitive.</summary>
    Tutorial,

    /// <summary>Maximal runs of Unicode letters and digits, lower-cased with the invariant simple case mapping.</summary>
    Letters,
}
