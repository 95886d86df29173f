namespace BatchWords.Emulator.State;

/// <summary>
/// Everything the emulator knows, in memory only: pools (with their nodes) and jobs (with their tasks). One lock,
/// <see cref="Gate"/>, guards all of it; it is only ever held for short, non-blocking updates and snapshots, never
/// across process starts, downloads or file I/O, so request handling and the scheduler do not wait on each other.
/// Nothing is persisted: a restarted emulator starts empty, but a running one never drops an accepted task.
/// </summary>
public sealed class EmulatorState
{
    private long _sequence;
    private long _lastETag;

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

    public string PoolsDirectory => Path.Combine(DataDirectory, "pools");
}
