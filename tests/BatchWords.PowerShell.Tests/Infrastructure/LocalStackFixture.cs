using System.Management.Automation;
using System.Text.Json;
using Xunit;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// ONE isolated local stack for the whole test assembly: BATCHWORDS_HOME is a temporary directory
/// (<see cref="TestEnvironment"/>), the stack is started by a real <c>Connect-BwAccount</c> through the engine,
/// and at the end <c>Disconnect-BwAccount -StopLocalServices</c> stops every local service (Azurite and the
/// Batch emulator) and the directory is deleted, so no service outlives the
/// run. Tests isolate their data by unique container names (<see cref="NewContainerName"/>), not by separate
/// stacks. Use it with <c>[Collection(LocalStackCollection.Name)]</c>; the tests of that collection run one
/// after another.
/// </summary>
public sealed class LocalStackFixture : IAsyncLifetime
{
    /// <summary>Azurite's one built-in account (its published, well-known development key).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The BATCHWORDS_HOME of this test run.</summary>
    public string BatchWordsHome => TestEnvironment.BatchWordsHome;

    /// <summary>Where the Local backend keeps state, data and logs: $BATCHWORDS_HOME/local.</summary>
    public string StateDirectory => Path.Combine(BatchWordsHome, "local");

    /// <summary>The BwContext the first Connect-BwAccount emitted (an object of the module's own load context).</summary>
    public object Context { get; private set; } = null!;

    /// <summary>Azurite's blob endpoint, http://127.0.0.1:port/devstoreaccount1.</summary>
    public Uri BlobEndpoint { get; private set; } = null!;

    /// <summary>The pid of the Azurite the first connection started (from its state file).</summary>
    public int AzuriteProcessId { get; private set; }

    /// <summary>The pid of the Batch emulator the first connection started (from its state file).</summary>
    public int EmulatorProcessId { get; private set; }

    /// <summary>The Batch emulator's endpoint, http://127.0.0.1:port/.</summary>
    public Uri BatchEndpoint { get; private set; } = null!;

    /// <summary>The first Connect-BwAccount -Verbose (it started Azurite): for tests of what connecting reports.</summary>
    public ScriptResult FirstConnect { get; private set; } = null!;

    /// <summary>Independent checks of what is in storage (plain HTTP, not the module's code).</summary>
    public StorageProbe Storage { get; private set; } = null!;

    /// <summary>The Batch emulator's account name (from the context).</summary>
    public string BatchAccountName { get; private set; } = null!;

    /// <summary>The emulator's account key, as the Local backend keeps it in $BATCHWORDS_HOME/local/batch-emulator.key.</summary>
    public string BatchAccountKey { get; private set; } = null!;

    /// <summary>Independent checks of the Batch emulator (plain HTTP with Shared Key, not the module's BatchClient).</summary>
    public BatchProbe Batch { get; private set; } = null!;

    /// <summary>A fresh valid pool or job id, unique in this run.</summary>
    public static string NewBatchId(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(64, stem.Length + 1 + 12)];

    /// <summary>A fresh valid container name (lowercase, 3-63 characters), unique in this run.</summary>
    public static string NewContainerName(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(63, stem.Length + 1 + 20)];

    public Task InitializeAsync()
    {
        if (Directory.Exists(StateDirectory) && Directory.EnumerateFileSystemEntries(StateDirectory).Any())
            throw new InvalidOperationException($"{StateDirectory} is not empty: the test run must start on a clean local stack.");
        try
        {
            using var session = PowerShellSession.Start();
            FirstConnect = session.Run("Connect-BwAccount -Verbose");
            FirstConnect.AssertSucceeded();
            var context = Assert.Single(FirstConnect.OutputOfType("BatchWords.BwContext"));
            Context = context.BaseObject;
            BlobEndpoint = (Uri)context.Get("BlobEndpoint")!;
            BatchEndpoint = (Uri)context.Get("BatchEndpoint")!;
            AzuriteProcessId = ReadAzuriteProcessId();
            EmulatorProcessId = ReadServiceProcessId("batch-emulator");
            Storage = new StorageProbe(BlobEndpoint, DevelopmentAccountName, DevelopmentAccountKey);
            BatchAccountName = (string)context.Get("BatchAccountName")!;
            BatchAccountKey = File.ReadAllText(Path.Combine(StateDirectory, "batch-emulator.key")).Trim();
            Batch = new BatchProbe(BatchEndpoint, BatchAccountName, BatchAccountKey);
        }
        catch
        {
            StopLocalServices();
            throw;
        }
        return Task.CompletedTask;
    }

    /// <summary>The Azurite pid recorded in the state file, or 0 when none is recorded.</summary>
    public int ReadAzuriteProcessId() => ReadServiceProcessId("azurite");

    /// <summary>The pid a local service's state file records ("azurite", "batch-emulator"), or 0.</summary>
    public int ReadServiceProcessId(string service)
    {
        var path = Path.Combine(StateDirectory, service + ".json");
        if (!File.Exists(path)) return 0;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("ProcessId").GetInt32();
    }

    public Task DisposeAsync()
    {
        StopLocalServices();
        return Task.CompletedTask;
    }

    private void StopLocalServices()
    {
        var pids = new Dictionary<string, int>
        {
            ["Azurite"] = AzuriteProcessId != 0 ? AzuriteProcessId : ReadAzuriteProcessId(),
            ["The Batch emulator"] = EmulatorProcessId != 0 ? EmulatorProcessId : ReadServiceProcessId("batch-emulator"),
        };
        string? problem = null;
        try
        {
            using var session = PowerShellSession.Start();
            var stop = session.Run("Disconnect-BwAccount -StopLocalServices -Confirm:$false");
            if (stop.AllErrors().Count > 0 || stop.Warnings.Count > 0)
                problem = $"Disconnect-BwAccount -StopLocalServices reported problems.\n{stop.Describe()}";
        }
        finally
        {
            foreach (var (service, pid) in pids)
                if (pid != 0 && ProcessIsAlive(pid))
                    problem = (problem ?? "") + $"\n{service} (pid {pid}) is still running after Disconnect-BwAccount -StopLocalServices.";
            if (problem is null && Directory.Exists(BatchWordsHome))
                Directory.Delete(BatchWordsHome, recursive: true);
        }
        if (problem is not null) throw new InvalidOperationException(problem.Trim());
    }

    /// <summary>Is the process running (and not a zombie)? Linux /proc; elsewhere Process.GetProcessById.</summary>
    public static bool ProcessIsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (Directory.Exists("/proc/self"))
        {
            if (!File.Exists(stat)) return false;
            try
            {
                var text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..].Split(' ')[0] is not ("Z" or "X");
            }
            catch (IOException) { return false; }
        }
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalStackCollection : ICollectionFixture<LocalStackFixture>
{
    public const string Name = "LocalStack";
}
