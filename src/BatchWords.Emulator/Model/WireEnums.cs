using BatchWords.Emulator.Http;

namespace BatchWords.Emulator.Model;

/// <summary>
/// The enum values the emulator accepts, spelled exactly as on the wire (§1: no case transform, the service
/// mixes spellings). Input is matched ignoring case and answered in the canonical spelling.
/// </summary>
public static class WireEnums
{
    public static readonly string[] NodeFillTypes = { "spread", "pack" };
    public static readonly string[] AllTasksComplete = { "noaction", "terminatejob" };
    public static readonly string[] TaskFailure = { "noaction", "performexitoptionsjobaction" };
    public static readonly string[] UploadConditions = { "tasksuccess", "taskfailure", "taskcompletion" };
    public static readonly string[] DeallocationOptions = { "requeue", "terminate", "taskcompletion", "retaineddata" };
    public static readonly string[] AutoUserScopes = { "task", "pool" };
    public static readonly string[] ElevationLevels = { "nonadmin", "admin" };

    /// <summary>The canonical spelling of <paramref name="value"/>, or a 400 InvalidPropertyValue naming the property.</summary>
    public static string? Normalize(string? value, string[] allowed, string property)
    {
        if (value is null) return null;
        foreach (var candidate in allowed)
            if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase)) return candidate;
        throw BatchRequestException.InvalidProperty(property, value, "Allowed values: " + string.Join(", ", allowed) + ".");
    }
}
