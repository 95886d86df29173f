using System.Text;
using System.Text.RegularExpressions;

namespace BatchWords.Emulator.Runtime;

/// <summary>A file an output pattern matched, and its path relative to the pattern's fixed leading directories.</summary>
public sealed record FileMatch(string FullPath, string RelativePath);

/// <summary>
/// Expands an output file pattern (§5.5) relative to the working directory: '*' and '?' within a name, '**' for any
/// number of directories, [abc], [a-c] and [!abc]. A leading "../" reaches the task directory (for ../stdout.txt),
/// never further. Hidden names (leading '.') match only a pattern segment that itself starts with '.'.
/// The relative path of a match starts below the pattern's leading literal directories, which is what the blob
/// name under a destination path keeps.
/// </summary>
public static class FilePatternMatcher
{
    public static bool HasWildcard(string pattern) => pattern.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

    public static IReadOnlyList<FileMatch> Match(string workingDirectory, string taskDirectory, string pattern)
    {
        var segments = pattern.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return Array.Empty<FileMatch>();

        // Literal leading segments fix the base directory; ".." may climb, but not above the task directory.
        var baseDirectory = Path.GetFullPath(workingDirectory);
        var root = Path.GetFullPath(taskDirectory);
        var first = 0;
        for (; first < segments.Length - 1 && !HasWildcard(segments[first]); first++)
        {
            if (segments[first] == ".") continue;
            baseDirectory = Path.GetFullPath(Path.Combine(baseDirectory, segments[first]));
            if (!IsWithin(baseDirectory, root)) return Array.Empty<FileMatch>();
        }
        if (!Directory.Exists(baseDirectory)) return Array.Empty<FileMatch>();

        var results = new List<FileMatch>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        MatchFrom(baseDirectory, segments, first, "", results, seen, root);
        results.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return results;
    }

    private static void MatchFrom(string directory, string[] segments, int index, string relative, List<FileMatch> results,
        HashSet<string> seen, string root)
    {
        var segment = segments[index];
        var isLast = index == segments.Length - 1;

        if (segment == "**")
        {
            if (isLast)
            {
                foreach (var file in EnumerateFiles(directory, hiddenAllowed: false)) Add(file, relative, results, seen);
                foreach (var sub in EnumerateDirectories(directory, hiddenAllowed: false))
                    MatchFrom(sub, segments, index, relative + Path.GetFileName(sub) + "/", results, seen, root);
                return;
            }
            MatchFrom(directory, segments, index + 1, relative, results, seen, root); // zero directories
            foreach (var sub in EnumerateDirectories(directory, hiddenAllowed: false))
                MatchFrom(sub, segments, index, relative + Path.GetFileName(sub) + "/", results, seen, root);
            return;
        }

        if (segment == "..")
        {
            var parent = Path.GetFullPath(Path.Combine(directory, ".."));
            if (!isLast && IsWithin(parent, root)) MatchFrom(parent, segments, index + 1, relative + "../", results, seen, root);
            return;
        }

        if (!HasWildcard(segment))
        {
            var path = Path.Combine(directory, segment);
            if (isLast) { if (File.Exists(path)) Add(path, relative, results, seen); }
            else if (Directory.Exists(path)) MatchFrom(path, segments, index + 1, relative + segment + "/", results, seen, root);
            return;
        }

        var regex = SegmentRegex(segment);
        var hiddenAllowed = segment.StartsWith('.');
        if (isLast)
        {
            foreach (var file in EnumerateFiles(directory, hiddenAllowed))
                if (regex.IsMatch(Path.GetFileName(file))) Add(file, relative, results, seen);
        }
        else
        {
            foreach (var sub in EnumerateDirectories(directory, hiddenAllowed))
                if (regex.IsMatch(Path.GetFileName(sub)))
                    MatchFrom(sub, segments, index + 1, relative + Path.GetFileName(sub) + "/", results, seen, root);
        }
    }

    private static void Add(string file, string relative, List<FileMatch> results, HashSet<string> seen)
    {
        var full = Path.GetFullPath(file);
        if (seen.Add(full)) results.Add(new FileMatch(full, relative + Path.GetFileName(file)));
    }

    private static IEnumerable<string> EnumerateFiles(string directory, bool hiddenAllowed) =>
        Directory.EnumerateFiles(directory).Where(f => hiddenAllowed || !Path.GetFileName(f).StartsWith('.'));

    /// <summary>Subdirectories, not following links (a link cycle must not hang a task's completion).</summary>
    private static IEnumerable<string> EnumerateDirectories(string directory, bool hiddenAllowed) =>
        new DirectoryInfo(directory).EnumerateDirectories()
            .Where(d => d.LinkTarget is null && (hiddenAllowed || !d.Name.StartsWith('.')))
            .Select(d => d.FullName);

    private static bool IsWithin(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>One name segment of a glob as an anchored regular expression.</summary>
    public static Regex SegmentRegex(string segment)
    {
        var builder = new StringBuilder("^");
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*': builder.Append(".*"); break;
                case '?': builder.Append('.'); break;
                case '[':
                    var close = segment.IndexOf(']', i + 2 <= segment.Length ? i + 2 : i + 1);
                    if (close < 0) { builder.Append("\\["); break; }
                    var body = segment[(i + 1)..close];
                    var negate = body.StartsWith('!') || body.StartsWith('^');
                    if (negate) body = body[1..];
                    builder.Append('[').Append(negate ? "^" : "").Append(body.Replace("\\", "\\\\").Replace("[", "\\[")).Append(']');
                    i = close;
                    break;
                default: builder.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new Regex(builder.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
