using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>
/// Batch's id rules (pools, jobs, tasks): 1 to 64 letters, digits, hyphens and underscores. Checked before
/// any request so a typo is reported with the value and the rule, not as a 400 from the service.
/// </summary>
public static partial class BatchIds
{
    public static void Validate(string? id, string what)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !IdPattern().IsMatch(id))
            throw new BwException(BwErrorKind.InvalidArgument, ErrorIdFor(what),
                $"'{id}' is not a valid {what.ToLowerInvariant()} id: use 1 to 64 letters, digits, hyphens (-) and underscores (_).",
                id, $"Choose a {what.ToLowerInvariant()} id such as 'words-{DateTime.UtcNow:yyyyMMdd}'.");
    }

    private static string ErrorIdFor(string what) => what switch
    {
        "Pool" => BwErrorIds.InvalidPoolId,
        "Job" => BwErrorIds.InvalidJobId,
        "Task" => BwErrorIds.InvalidTaskId,
        _ => throw new ArgumentOutOfRangeException(nameof(what), what, "Pool, Job or Task."),
    };

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
