namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// The pools, jobs and containers one test makes on the shared local stack, with ids unique in the run, removed
/// on Dispose through the independent probes (jobs first, which kills their task processes, then pools, then
/// containers), even when an assertion failed half way. Also the test's temporary directory.
/// </summary>
public sealed class BatchResources : IDisposable
{
    private readonly LocalStackFixture _stack;
    private readonly List<string> _jobs = new();
    private readonly List<string> _pools = new();
    private readonly List<string> _containers = new();

    public BatchResources(LocalStackFixture stack, string stem)
    {
        _stack = stack;
        Temp = new TempDirectory(stem);
    }

    /// <summary>A directory for the test's local files (inputs, programs, downloads).</summary>
    public TempDirectory Temp { get; }

    /// <summary>A new pool id, deleted at the end.</summary>
    public string Pool(string stem) => Track(_pools, LocalStackFixture.NewBatchId(stem));

    /// <summary>A new job id, deleted at the end.</summary>
    public string Job(string stem) => Track(_jobs, LocalStackFixture.NewBatchId(stem));

    /// <summary>A new container name, deleted at the end.</summary>
    public string Container(string stem) => Track(_containers, LocalStackFixture.NewContainerName(stem));

    /// <summary>Deletes these (fixed) names at the end too: what Invoke-BwTutorial makes.</summary>
    public void Also(IEnumerable<string>? jobs = null, IEnumerable<string>? pools = null, IEnumerable<string>? containers = null)
    {
        _jobs.AddRange(jobs ?? Array.Empty<string>());
        _pools.AddRange(pools ?? Array.Empty<string>());
        _containers.AddRange(containers ?? Array.Empty<string>());
    }

    /// <summary>Writes a text file in the temporary directory and returns its full path.</summary>
    public string Input(string name, string content) => Temp.Write(System.IO.Path.Combine("inputs", name), content);

    private static string Track(List<string> list, string id)
    {
        list.Add(id);
        return id;
    }

    public void Dispose()
    {
        var problems = new List<string>();
        foreach (var job in _jobs) Try(() => _stack.Batch.DeleteJobIfExists(job), $"job {job}");
        foreach (var pool in _pools) Try(() => _stack.Batch.DeletePoolIfExists(pool), $"pool {pool}");
        foreach (var container in _containers) Try(() => _stack.Storage.DeleteContainerIfExists(container), $"container {container}");
        Temp.Dispose();
        if (problems.Count > 0) throw new InvalidOperationException("Cleanup failed:\n" + string.Join("\n", problems));

        void Try(Action action, string what)
        {
            try { action(); }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException) { problems.Add($"{what}: {e.Message}"); }
        }
    }
}
