namespace BatchWords;

/// <summary>A Content-Type for uploads, so text inputs open as text in the portal and in browsers (via their SAS URL).</summary>
internal static class ContentTypes
{
    public static string For(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".txt" or ".log" or ".md" or ".csv" => "text/plain; charset=utf-8",
        ".json" => "application/json",
        ".xml" => "application/xml",
        _ => "application/octet-stream",
    };
}
