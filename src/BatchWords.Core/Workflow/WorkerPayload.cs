namespace BatchWords;

/// <summary>
/// Finds the worker program bundled with the module (payload/linux-x64/batchwords-worker, one folder up from
/// dependencies/ where Core lives). BATCHWORDS_WORKER overrides it, for tests and development builds.
/// </summary>
public static class WorkerPayload
{
    public const string FileName = "batchwords-worker";

    public static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BATCHWORDS_WORKER");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            if (File.Exists(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
            throw new BwException(BwErrorKind.ObjectNotFound, "WorkerNotFound",
                $"BATCHWORDS_WORKER names '{fromEnvironment}', which does not exist.", fromEnvironment,
                "Point BATCHWORDS_WORKER at a built worker, or unset it to use the one bundled with the module.");
        }

        var coreDirectory = Path.GetDirectoryName(typeof(WorkerPayload).Assembly.Location) ?? AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(coreDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "payload", "linux-x64", FileName);
            if (File.Exists(candidate)) return candidate;
            var built = Path.Combine(dir.FullName, "out", "BatchWords", "payload", "linux-x64", FileName);
            if (File.Exists(built)) return built;
        }
        throw new BwException(BwErrorKind.ObjectNotFound, "WorkerNotFound",
            "The bundled worker (payload/linux-x64/batchwords-worker) was not found next to the module.", coreDirectory,
            "Build the module with build.ps1 -Task Build, or give New-BwPool a program with -Program.");
    }
}
