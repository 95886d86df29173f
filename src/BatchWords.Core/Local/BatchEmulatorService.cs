using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>
/// The BatchWords Batch emulator (src/BatchWords.Emulator) as a local service: where the built emulator is,
/// and how it is started. It listens on a free loopback port, verifies shared-key signatures with the
/// account key it is given in its environment (never on its command line, which other users can read), and
/// keeps its node sandboxes in its data directory.
/// </summary>
internal static partial class BatchEmulatorService
{
    public const string Name = "batch-emulator";

    /// <summary>The emulator's Batch account name: any valid one would do, the emulator serves only this one.</summary>
    public const string AccountName = "localbatch";

    internal const string AssemblyFileName = "BatchWords.Emulator.dll";

    /// <summary>
    /// The emulator published self-contained for linux-x64 (see build.ps1): started directly, so the machine
    /// needs neither dotnet nor the ASP.NET Core runtime. A bare assembly (BATCHWORDS_EMULATOR pointing to a
    /// framework-dependent build) still runs with dotnet.
    /// </summary>
    internal const string ExecutableFileName = "BatchWords.Emulator";

    /// <summary>
    /// What the emulator's command line contains, to tell it from an unrelated process that reused its pid: the
    /// executable's name, which the assembly's name also contains.
    /// </summary>
    internal const string CommandLineMarker = ExecutableFileName;

    /// <summary>The environment variable the emulator reads its account key from.</summary>
    internal const string KeyVariable = "BATCHWORDS_EMULATOR_KEY";

    /// <summary>
    /// The emulator locks its data folder itself (an exclusive flock on this file, see DataDirectoryLock in the
    /// emulator), so the descriptor is close-on-exec and the task processes it starts never inherit the lock.
    /// </summary>
    public static readonly LocalServiceIdentity Identity = new(Name, CommandLineMarker, "emulator.lock", LocksItself: true);

    /// <summary>The emulator's test-only fault mode (see the emulator's README); passed on when set.</summary>
    internal const string FaultsVariable = "BATCHWORDS_EMULATOR_FAULTS";

    /// <summary>How long the emulator shows deleting/terminating at least (its README); passed on when set (tests).</summary>
    internal const string TransientStateVariable = "BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS";

    /// <summary>Test-only random Spot preemption of the emulator ("rate=0.3;every=2;seed=7"); see the emulator's Preemption folder.</summary>
    internal const string PreemptionVariable = "BATCHWORDS_EMULATOR_PREEMPTION";

    [GeneratedRegex(@"BatchWords emulator listening on (http\S+)")]
    private static partial Regex ReadyLine();

    public static LocalServiceDefinition Define(string emulatorProgram)
    {
        var runsOnDotnet = emulatorProgram.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        if (!runsOnDotnet) EnsureExecutable(emulatorProgram);
        return new(
            Name,
            runsOnDotnet ? DotnetLocator.Find() : emulatorProgram,
            dataDirectory => (runsOnDotnet ? new List<string> { emulatorProgram } : new List<string>())
                .Concat(new[] { "--account", AccountName, "--data", dataDirectory }).ToList(),
            ReadyLine(),
            Environment,
            Identity);
    }

    /// <summary>
    /// NuGet packages keep no Unix file modes: after Install-PSResource the executable comes without its execute
    /// bit, so it is given one (to the user who installed it) before the first start.
    /// </summary>
    private static void EnsureExecutable(string program)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(program);
        if ((mode & UnixFileMode.UserExecute) != 0) return;
        try { File.SetUnixFileMode(program, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute); }
        catch (UnauthorizedAccessException e)
        {
            throw new BwException(BwErrorKind.PermissionDenied, "EmulatorNotExecutable",
                $"The BatchWords Batch emulator '{program}' is not executable, and this user cannot make it so: {e.Message}", program,
                $"Ask the module's owner to run: chmod a+x '{program}' (or install the module for yourself: Install-PSResource BatchWords -Scope CurrentUser).");
        }
    }

    /// <summary>The key, and the fault mode and transient-state stay when this process has them set (tests), and nothing else of ours.</summary>
    private static Dictionary<string, string> Environment(string accountKey)
    {
        var environment = new Dictionary<string, string> { [KeyVariable] = accountKey };
        foreach (var name in new[] { FaultsVariable, TransientStateVariable, PreemptionVariable })
            if (System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) environment[name] = value;
        return environment;
    }

    /// <summary>
    /// The emulator's program (its self-contained executable, else its assembly): $BATCHWORDS_EMULATOR, else
    /// emulator/ of the built module, found by walking up
    /// from this assembly (the module has Core in dependencies/ and the emulator in emulator/; a development
    /// build keeps the module in &lt;repo&gt;/out/BatchWords).
    /// </summary>
    public static string LocateAssembly() => LocateAssembly(System.Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR"), null);

    /// <summary><see cref="LocateAssembly()"/> with the override and the start of the search given explicitly (tests).</summary>
    internal static string LocateAssembly(string? configured, string? startDirectory)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            if (File.Exists(configured)) return Path.GetFullPath(configured);
            throw new BwException(BwErrorKind.ObjectNotFound, "EmulatorNotFound",
                $"BATCHWORDS_EMULATOR points to '{configured}', which does not exist.", configured,
                $"Set BATCHWORDS_EMULATOR to the path of a built {AssemblyFileName}, or unset it to use the module's own.");
        }
        var start = startDirectory ?? Path.GetDirectoryName(typeof(BatchEmulatorService).Assembly.Location) ?? AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            foreach (var folder in new[] { Path.Combine(dir.FullName, "emulator"), Path.Combine(dir.FullName, "out", "BatchWords", "emulator") })
                foreach (var file in new[] { ExecutableFileName, AssemblyFileName })
                    if (File.Exists(Path.Combine(folder, file))) return Path.Combine(folder, file);
        throw new BwException(BwErrorKind.ObjectNotFound, "EmulatorNotFound",
            $"The BatchWords Batch emulator ({AssemblyFileName}) was not found next to the module (searched up from '{start}').", start,
            "Build the module (dotnet tool restore, then dotnet pwsh ./build.ps1 -Task Build), or set BATCHWORDS_EMULATOR to a built emulator.");
    }
}
