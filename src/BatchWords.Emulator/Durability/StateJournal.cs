using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Durability;

/// <summary>
/// Keeps the emulator's state on disk, in &lt;data&gt;/state/journal.jsonl: an append-only JSON-lines journal where
/// each line is one pool (with its nodes), job or task as it is after a change, or the removal of one; replaying
/// it line by line, the last line of each entity wins. Changes are collected under the state lock
/// (<see cref="Changed"/>) and written, in one append and one fsync for all collected so far, by
/// <see cref="FlushAsync"/>: every HTTP answer waits for it (Http/DurableAnswers), so nothing a client was told
/// is lost when the emulator is killed, and a background loop writes what tasks and nodes change on their own.
/// When the journal holds many more lines than live entities it is compacted: a snapshot of every live entity
/// is written to a new file, fsynced and renamed over it. The file is 0600: task specs carry SAS URLs.
/// </summary>
internal sealed class StateJournal : IAsyncDisposable
{
    private const string FileName = "journal.jsonl";
    private const int CompactionSlack = 1000;
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly EmulatorState _state;
    private readonly Action<string> _warn;
    private readonly object _dirtyGate = new();
    private readonly List<object> _dirtyOrder = new();
    private readonly HashSet<object> _dirty = new(ReferenceEqualityComparer.Instance);
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _changes;
    private long _durable;
    private long _linesSinceCompaction;
    private FileStream? _stream;
    private Task? _loop;

    private StateJournal(EmulatorState state, Action<string> warn)
    {
        _state = state;
        _warn = warn;
    }

    public static string DirectoryOf(string dataDirectory) => Path.Combine(dataDirectory, "state");

    public static string PathOf(string dataDirectory) => Path.Combine(DirectoryOf(dataDirectory), FileName);

    public string FilePath => PathOf(_state.DataDirectory);

    /// <summary>Lines written and fsyncs done since start (for the figures in the README).</summary>
    public long LinesWritten { get; private set; }

    public long Syncs { get; private set; }

    /// <summary>
    /// Reads what an earlier run left: the journal's lines in order. Only the last line can be torn (the process
    /// died in the middle of an append); it, and any other line that does not parse, is skipped with a warning.
    /// </summary>
    public static List<JournalLine> Read(string dataDirectory, Action<string> warn)
    {
        var path = PathOf(dataDirectory);
        var lines = new List<JournalLine>();
        if (!File.Exists(path)) return lines;
        var number = 0;
        foreach (var text in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                if (JsonSerializer.Deserialize<JournalLine>(text, WireJson.Options) is { } line) lines.Add(line);
            }
            catch (JsonException e)
            {
                warn($"state journal {path}: line {number} cannot be read and is skipped ({e.Message}).");
            }
        }
        return lines;
    }

    /// <summary>After the state was restored: writes it as the new journal (compacted) and starts recording changes.</summary>
    public static async Task<StateJournal> OpenAsync(EmulatorState state, Action<string> warn)
    {
        Directory.CreateDirectory(DirectoryOf(state.DataDirectory));
        var journal = new StateJournal(state, warn);
        byte[] snapshot;
        lock (state.Gate)
        {
            snapshot = journal.Snapshot(out var lines);
            journal._linesSinceCompaction = lines;
            state.Journal = journal;
        }
        journal.ReplaceWith(snapshot);
        journal._loop = Task.Run(journal.LoopAsync);
        await Task.CompletedTask.ConfigureAwait(false);
        return journal;
    }

    /// <summary>Under the state lock: remembers the entity (once, in order of its first change) for the next write.</summary>
    public void Changed(object entity)
    {
        lock (_dirtyGate)
        {
            if (_dirty.Add(entity)) _dirtyOrder.Add(entity);
            _changes++;
        }
        _wake.Writer.TryWrite(true);
    }

    /// <summary>Returns once every change made before the call is on disk (one append + fsync serves all waiting callers).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target;
        lock (_dirtyGate) target = _changes;
        if (Interlocked.Read(ref _durable) >= target) return;
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Read(ref _durable) >= target || _stream is null) return;
            long upTo;
            byte[] bytes;
            bool compact;
            lock (_state.Gate)
            {
                List<object> dirty;
                lock (_dirtyGate)
                {
                    dirty = new List<object>(_dirtyOrder);
                    _dirtyOrder.Clear();
                    _dirty.Clear();
                    upTo = _changes;
                }
                var live = _state.Pools.Count + _state.Jobs.Values.Sum(j => j.Tasks.Count + 1);
                compact = _linesSinceCompaction + dirty.Count > CompactionSlack + 2L * live;
                long lines;
                bytes = compact ? Snapshot(out lines) : Serialize(dirty, out lines);
                _linesSinceCompaction = compact ? lines : _linesSinceCompaction + lines;
            }
            if (compact) ReplaceWith(bytes);
            else if (bytes.Length > 0) Append(bytes);
            Interlocked.Exchange(ref _durable, upTo);
        }
        finally { _writer.Release(); }
    }

    private async Task LoopAsync()
    {
        while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _wake.Reader.TryRead(out _);
            try { await FlushAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _warn($"could not write the state journal {FilePath}: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                _wake.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>Under the state lock: one line per changed entity, an upsert if it is still there, else its removal.</summary>
    private byte[] Serialize(List<object> dirty, out long lines)
    {
        using var buffer = new MemoryStream();
        lines = 0;
        foreach (var entity in dirty)
        {
            var line = entity switch
            {
                PoolState pool => IsLive(pool)
                    ? new JournalLine { Pool = StateRecordMapper.ToRecord(pool) }
                    : new JournalLine { RemovedPool = new RemovedRecord { Id = pool.Id, Sequence = pool.Sequence } },
                JobState job => IsLive(job)
                    ? new JournalLine { Job = StateRecordMapper.ToRecord(job) }
                    : new JournalLine { RemovedJob = new RemovedRecord { Id = job.Id, Sequence = job.Sequence } },
                TaskState task => IsLive(task)
                    ? new JournalLine { Task = StateRecordMapper.ToRecord(task) }
                    : new JournalLine { RemovedTask = new RemovedRecord { Id = task.Id, JobId = task.Job.Id, Sequence = task.Sequence } },
                _ => null,
            };
            if (line is null) continue;
            Write(buffer, line);
            lines++;
        }
        return buffer.ToArray();
    }

    /// <summary>Under the state lock: every live pool, job and task, in creation order.</summary>
    private byte[] Snapshot(out long lines)
    {
        using var buffer = new MemoryStream();
        lines = 0;
        foreach (var pool in _state.Pools.Values.OrderBy(p => p.Sequence))
        {
            Write(buffer, new JournalLine { Pool = StateRecordMapper.ToRecord(pool) });
            lines++;
        }
        foreach (var job in _state.Jobs.Values.OrderBy(j => j.Sequence))
        {
            Write(buffer, new JournalLine { Job = StateRecordMapper.ToRecord(job) });
            lines++;
            foreach (var task in job.TaskOrder)
            {
                Write(buffer, new JournalLine { Task = StateRecordMapper.ToRecord(task) });
                lines++;
            }
        }
        return buffer.ToArray();
    }

    private void Write(MemoryStream buffer, JournalLine line)
    {
        JsonSerializer.Serialize(buffer, line, WireJson.Options);
        buffer.Write(NewLine);
        LinesWritten++;
    }

    private bool IsLive(PoolState pool) => _state.Pools.TryGetValue(pool.Id, out var current) && current == pool;

    private bool IsLive(JobState job) => _state.Jobs.TryGetValue(job.Id, out var current) && current == job;

    private bool IsLive(TaskState task) =>
        !task.IsDeleted && IsLive(task.Job) && task.Job.Tasks.TryGetValue(task.Id, out var current) && current == task;

    private void Append(byte[] bytes)
    {
        _stream!.Write(bytes);
        _stream.Flush(flushToDisk: true);
        Syncs++;
    }

    /// <summary>Writes a whole new journal beside the old one, fsyncs it and renames it over: never half a journal.</summary>
    private void ReplaceWith(byte[] snapshot)
    {
        var path = FilePath;
        var temp = path + ".tmp";
        using (var stream = CreatePrivate(temp, FileMode.Create))
        {
            stream.Write(snapshot);
            stream.Flush(flushToDisk: true);
        }
        _stream?.Dispose();
        File.Move(temp, path, overwrite: true);
        _stream = CreatePrivate(path, FileMode.Append);
        Syncs++;
    }

    private static FileStream CreatePrivate(string path, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    public async ValueTask DisposeAsync()
    {
        try { await FlushAsync().ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _warn($"could not write the state journal {FilePath}: {e.Message}"); }
        _wake.Writer.TryComplete();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            _stream?.Dispose();
            _stream = null;
        }
        finally { _writer.Release(); }
    }
}
