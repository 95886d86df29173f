using System.Text;

namespace BatchWords.Tests.Shared;

/// <summary>
/// The request shapes on which both the client's signing and the emulator's verification are checked against
/// <see cref="OfficialBatchSharedKey"/> (issue 12, findings 10 and 11): a Date header next to ocp-date, a repeated
/// parameter, capitalised parameter names, an escaped path. One list, so the two sides are held to the same cases.
/// </summary>
public static class SharedKeyRequestShapes
{
    private const string Date = "Wed, 02 Jul 2025 08:00:00 GMT";

    /// <summary>Method, path and query, Date header (or null), JSON body (or null).</summary>
    public static readonly IReadOnlyList<(string Method, string Target, string? Date, string? Body)> All = new (string, string, string?, string?)[]
    {
        ("GET", "/jobs/job-1/tasks?api-version=2025-06-01.21.0&maxresults=100", Date, null),
        ("POST", "/jobs/job-1/tasks?api-version=2025-06-01.21.0", Date, """{"id":"t"}"""),
        ("GET", "/pools?api-version=2025-06-01.21.0&$select=state&$select=id&$select=allocationState", null, null),
        ("GET", "/jobs?api-version=2025-06-01.21.0&Timeout=30&MaxResults=10", null, null),
        ("GET", "/jobs?api-version=2025-06-01.21.0&Foo=2&foo=1&FOO=3", null, null),
        ("GET", "/jobs/j/tasks/t/files/wd%2Fout.txt?api-version=2025-06-01.21.0&B=2&a=1&a=0", Date, null),
    };

    /// <summary>The body's length as sent (UTF-8), or null without a body.</summary>
    public static long? ContentLength(string? body) => body is null ? null : Encoding.UTF8.GetByteCount(body);
}
