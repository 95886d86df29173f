namespace BatchWords.Emulator.Model;

/// <summary>Builds failureInfo (§5.7): category usererror or servererror, a code, a message and name/value details.</summary>
public static class FailureInfos
{
    public static FailureInfo Create(string category, string code, string message, params (string Name, string Value)[] details) => new()
    {
        Category = category,
        Code = code,
        Message = message,
        Details = details.Length == 0 ? null : details.Select(d => new NameValue { Name = d.Name, Value = d.Value }).ToList(),
    };
}
