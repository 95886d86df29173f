using System.Reflection;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// Where the things under test live: the BUILT module folder (what users import), the repository, the
/// tutorial data beside it, our console host for out-of-process runs and the old Azure.Core of the conflict test.
/// The module comes from $BATCHWORDS_MODULE_PATH (build.ps1 -Task Test sets it), else &lt;repo&gt;/out/BatchWords
/// found by walking up from the test assembly. A missing build is a clear failure, never a skipped test.
/// </summary>
public static class BuiltModule
{
    public const string Name = "BatchWords";
    private const string BuildHint = "Build it first: dotnet run --project src/BatchWords.ScriptHost -- build.ps1 -Task Build " +
        "(or set BATCHWORDS_MODULE_PATH to a built module folder).";

    private static readonly Lazy<string> LazyDirectory = new(Locate);
    private static readonly Lazy<string> LazyRepository = new(LocateRepository);

    /// <summary>The built module folder (holds BatchWords.psd1, BatchWords.PowerShell.dll, dependencies/, en-US/).</summary>
    public static string Directory => LazyDirectory.Value;

    /// <summary>The manifest every test imports, by path.</summary>
    public static string ManifestPath => Path.Combine(Directory, Name + ".psd1");

    /// <summary>The repository root (the folder holding BatchWords.sln).</summary>
    public static string RepositoryRoot => LazyRepository.Value;

    /// <summary>The Azure Batch tutorial's input files: ../shared/tutorial-data beside the repository.</summary>
    public static string TutorialDataDirectory
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "tutorial-data"));
            if (!System.IO.Directory.Exists(path) || System.IO.Directory.GetFiles(path, "*.txt").Length == 0)
                throw new InvalidOperationException($"The tutorial data is missing: no *.txt in '{path}' (../shared/tutorial-data beside the repository).");
            return path;
        }
    }

    /// <summary>bwsh.dll, our console host for the engine (src/BatchWords.ScriptHost), as built with this test project.</summary>
    public static string ScriptHostPath
    {
        get
        {
            var path = Metadata("BatchWords.ScriptHost");
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
                throw new InvalidOperationException($"The console host (bwsh.dll) is not built at '{path}'. Build the solution: dotnet build BatchWords.sln.");
            return path;
        }
    }

    /// <summary>Azure.Core 1.53.0 (net8.0) from the NuGet cache (the test project downloads it with PackageDownload).</summary>
    public static string OldAzureCorePath
    {
        get
        {
            var root = Metadata("NuGetPackageRoot") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var path = Path.Combine(root, "azure.core", "1.53.0", "lib", "net8.0", "Azure.Core.dll");
            if (!File.Exists(path))
                throw new InvalidOperationException($"Azure.Core 1.53.0 is not in the NuGet cache at '{path}': run 'dotnet restore tests/BatchWords.PowerShell.Tests' (PackageDownload).");
            return path;
        }
    }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("BATCHWORDS_MODULE_PATH");
        if (!string.IsNullOrEmpty(configured))
        {
            if (!File.Exists(Path.Combine(configured, Name + ".psd1")))
                throw new InvalidOperationException($"BATCHWORDS_MODULE_PATH is '{configured}', which holds no {Name}.psd1. {BuildHint}");
            return Path.GetFullPath(configured);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "out", Name);
            if (File.Exists(Path.Combine(candidate, Name + ".psd1")) && File.Exists(Path.Combine(candidate, "BatchWords.PowerShell.dll")))
                return candidate;
        }
        throw new InvalidOperationException($"The built module was not found: no out/{Name}/{Name}.psd1 above '{AppContext.BaseDirectory}'. {BuildHint}");
    }

    private static string LocateRepository()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "BatchWords.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No BatchWords.sln above '{AppContext.BaseDirectory}' or '{Directory}'.");
    }

    private static string? Metadata(string key)
        => typeof(BuiltModule).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
