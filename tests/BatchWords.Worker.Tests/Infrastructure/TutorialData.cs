namespace BatchWords.Worker.Tests.Infrastructure;

/// <summary>Finds ../shared/tutorial-data beside the repository (where CI and every worktree have it).</summary>
public static class TutorialData
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "shared", "tutorial-data");
            if (File.Exists(Path.Combine(candidate, "taskdata1.txt"))) return candidate;
        }
        throw new DirectoryNotFoundException($"shared/tutorial-data not found above {AppContext.BaseDirectory}: the tests expect the shared folder beside the repository.");
    }
}
