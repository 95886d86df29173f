using System.Security.Cryptography;
using System.Text;

namespace BatchWords;

/// <summary>
/// The names one Invoke-BwTutorial run works under, all derived from its job id, so two runs at once in one
/// account never share an input or output container (the original's fixed "input" and "output" let a second run
/// read the first one's blobs and delete them under it).
/// </summary>
public static class TutorialRunNames
{
    private const int MaxContainerLength = 63;
    private const string InputSuffix = "-input";
    private const string OutputSuffix = "-output";
    private const int HashLength = 8;

    /// <summary>
    /// A job id no other run picks: the time to the second (readable, sortable) plus 6 random hex digits,
    /// because two runs started in the same second got the same id and shared the job.
    /// </summary>
    public static string NewJobId()
        => $"BatchWordsTutorialJob-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";

    /// <summary>The run's input container: {job}-input.</summary>
    public static string InputContainerFor(string jobId) => ContainerStem(jobId) + InputSuffix;

    /// <summary>The run's output container: {job}-output.</summary>
    public static string OutputContainerFor(string jobId) => ContainerStem(jobId) + OutputSuffix;

    /// <summary>
    /// The job id as a container name stem: lowercased (Batch ids are case-insensitive, so two jobs never differ
    /// only by case), '_' and runs of '-' made one '-', no '-' at the ends. When that changed more than the case,
    /// or the stem had to be cut to fit the 63-character limit with the longest suffix, 8 hex digits of the id's
    /// SHA-256 are appended: job ids that map to the same text ("a_b" and "a-b") still get containers of their own.
    /// </summary>
    public static string ContainerStem(string jobId)
    {
        BatchIds.Validate(jobId, "Job");
        var lower = jobId.ToLowerInvariant();
        var builder = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            var mapped = c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-';
            if (mapped == '-' && (builder.Length == 0 || builder[^1] == '-')) continue;
            builder.Append(mapped);
        }
        var stem = builder.ToString().TrimEnd('-');
        var budget = MaxContainerLength - OutputSuffix.Length;
        if (stem == lower && stem.Length <= budget) return stem;

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(jobId))).ToLowerInvariant()[..HashLength];
        var keep = Math.Min(stem.Length, budget - HashLength - 1);
        var cut = stem[..keep].TrimEnd('-');
        return cut.Length == 0 ? "job-" + hash : $"{cut}-{hash}";
    }
}
