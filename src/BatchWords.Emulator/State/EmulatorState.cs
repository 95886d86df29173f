namespace BatchWords.Emulator.State;

/// <summary>
/// Everything the emulator knows: pools (with their nodes) and jobs (with their tasks). One lock,
/// <see cref="Gate"/>, guards all of it; it is only ever held for short, non-blocking updates and snapshots, never
/// across process starts, downloads or file I/O, so request handling and the scheduler do not wait on each other.
/// Every change is reported to <see cref="Changed"/>, and the journal (Durability/StateJournal) writes it to disk
/// before the next answer leaves, so an emulator killed and started again on the same data folder has it all.
/// </summary>
public sealed class EmulatorState
{
    private long _sequence;
    private long _lastETag;
    private long _taskViewsBuilt;

    public EmulatorState(string accountName, string dataDirectory)
    {
        AccountName = accountName;
        DataDirectory = dataDirectory;
    }

    public object Gate { get; } = new();
    public string AccountName { get; }
    public string DataDirectory { get; }

    /// <summary>The address the emulator listens on, "http://127.0.0.1:port" (AZ_BATCH_ACCOUNT_URL for tasks).</summary>
    public string ListenUrl { get; set; } = "http://127.0.0.1";

    public Dictionary<string, PoolState> Pools { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, JobState> Jobs { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>Creation order of pools, jobs and tasks; also their paging key.</summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>"0x" and 15 hex digits, derived from the clock and strictly increasing, so every update changes it.</summary>
    public string NewETag()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastETag);
            var next = Math.Max(last + 1, DateTime.UtcNow.Ticks);
            if (Interlocked.CompareExchange(ref _lastETag, next, last) == last) return "0x" + next.ToString("X15");
        }
    }

    /// <summary>Task views (wire responses) built since start: what list and get requests cost, for the tests.</summary>
    public long TaskViewsBuilt => Interlocked.Read(ref _taskViewsBuilt);

    public void CountTaskView() => Interlocked.Increment(ref _taskViewsBuilt);

    public string PoolsDirectory => Path.Combine(DataDirectory, "pools");

    /// <summary>Set once the state is restored; before that (and in unit tests without one) changes are not recorded.</summary>
    internal Durability.StateJournal? Journal { get; set; }

    /// <summary>Under <see cref="Gate"/>: a pool, job or task changed, appeared or went; the journal records it.</summary>
    public void Changed(object entity) => Journal?.Changed(entity);

    /// <summary>At start: sequence numbers continue after the highest restored one, so none is ever reused.</summary>
    internal void ContinueSequenceAfter(long sequence)
    {
        if (sequence > _sequence) _sequence = sequence;
    }
}
