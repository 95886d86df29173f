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

    /// <summary>What the emulator's command line contains, to tell it from an unrelated process that reused its pid.</summary>
    internal const string CommandLineMarker = AssemblyFileName;

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

    public static LocalServiceDefinition Define(string emulatorAssembly) => new(
        Name,
        DotnetLocator.Find(),
        dataDirectory => new List<string> { emulatorAssembly, "--account", AccountName, "--data", dataDirectory },
        ReadyLine(),
        Environment,
        Identity);

    /// <summary>The key, and the fault mode and transient-state stay when this process has them set (tests), and nothing else of ours.</summary>
    private static Dictionary<string, string> Environment(string accountKey)
    {
        var environment = new Dictionary<string, string> { [KeyVariable] = accountKey };
        foreach (var name in new[] { FaultsVariable, TransientStateVariable, PreemptionVariable })
            if (System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) environment[name] = value;
        return environment;
    }

    /// <summary>
    /// The emulator's assembly: $BATCHWORDS_EMULATOR, else emulator/ of the built module, found by walking up
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
        {
            var inModule = Path.Combine(dir.FullName, "emulator", AssemblyFileName);
            if (File.Exists(inModule)) return inModule;
            var inBuild = Path.Combine(dir.FullName, "out", "BatchWords", "emulator", AssemblyFileName);
            if (File.Exists(inBuild)) return inBuild;
        }
        throw new BwException(BwErrorKind.ObjectNotFound, "EmulatorNotFound",
            $"The BatchWords Batch emulator ({AssemblyFileName}) was not found next to the module (searched up from '{start}').", start,
            "Build the module (dotnet tool restore, then dotnet pwsh ./build.ps1 -Task Build), or set BATCHWORDS_EMULATOR to a built emulator.");
    }
}
