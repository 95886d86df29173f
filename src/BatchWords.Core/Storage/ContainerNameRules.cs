namespace BatchWords;

/// <summary>
/// Azure's container naming rules, checked before any request so a bad name fails with a message that says
/// which rule it breaks (the service answers only "400 InvalidResourceName" or "OutOfRangeInput").
/// </summary>
public static class ContainerNameRules
{
    /// <summary>Null when <paramref name="name"/> is a valid container name, else the rule it breaks.</summary>
    public static string? FindViolation(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "it is empty";
        if (name.Length < 3 || name.Length > 63) return $"it has {name.Length} characters; a container name has 3 to 63";
        foreach (var c in name)
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
                return $"'{c}' is not allowed; use lowercase letters, digits and hyphens";
        if (name[0] == '-' || name[^1] == '-') return "it must start and end with a letter or digit";
        if (name.Contains("--", StringComparison.Ordinal)) return "it has consecutive hyphens";
        return null;
    }

    /// <summary>Throws an InvalidArgument <see cref="BwException"/> naming the bad value and the broken rule.</summary>
    public static void Validate(string? name)
    {
        var violation = FindViolation(name);
        if (violation is not null)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidContainerName",
                $"'{name}' is not a valid container name: {violation}.", name,
                "Use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (e.g. 'input').");
    }
}
