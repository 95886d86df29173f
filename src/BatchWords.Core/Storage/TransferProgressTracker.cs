using System.Threading.Channels;

namespace BatchWords;

/// <summary>
/// Sums bytes and files over parallel transfers and writes <see cref="TransferProgress"/> events, at most one
/// every 100 ms (the SDK reports bytes per buffer; thousands of events a second would swamp the host), and
/// always the last one.
/// </summary>
internal sealed class TransferProgressTracker
{
    private static readonly long MinimumInterval = TimeSpan.FromMilliseconds(100).Ticks;
    private readonly ChannelWriter<TransferEvent> _events;
    private readonly int _filesTotal;
    private readonly long _bytesTotal;
    private long _bytesDone;
    private int _filesDone;
    private long _lastReport;
    private readonly object _reportGate = new();

    public TransferProgressTracker(ChannelWriter<TransferEvent> events, int filesTotal, long bytesTotal)
    {
        _events = events;
        _filesTotal = filesTotal;
        _bytesTotal = bytesTotal;
    }

    /// <summary>An IProgress for one file: the SDK reports that file's cumulative bytes.</summary>
    public IProgress<long> ForFile(string item) => new FileProgress(this, item);

    public void AddBytes(long bytes, string item)
    {
        Interlocked.Add(ref _bytesDone, bytes);
        Report(item, force: false);
    }

    public void FileDone(string item)
    {
        var done = Interlocked.Increment(ref _filesDone);
        Report(item, force: done == _filesTotal);
    }

    private void Report(string item, bool force)
    {
        var now = DateTime.UtcNow.Ticks;
        var last = Interlocked.Read(ref _lastReport);
        if (!force && now - last < MinimumInterval) return;
        if (!force && Interlocked.CompareExchange(ref _lastReport, now, last) != last) return;
        // Totals are read and the event written under one lock, so events leave in the order their totals
        // were taken. Without it a throttled report that read "5 of 6 files" could be written after the last
        // file's forced "6 of 6", and the final progress would stay short of the totals.
        lock (_reportGate)
        {
            Interlocked.Exchange(ref _lastReport, now);
            _events.TryWrite(new TransferProgress(Volatile.Read(ref _filesDone), _filesTotal,
                Interlocked.Read(ref _bytesDone), _bytesTotal, item));
        }
    }

    /// <summary>Synchronous IProgress (Progress&lt;T&gt; would post to a synchronization context and reorder reports).</summary>
    private sealed class FileProgress : IProgress<long>
    {
        private readonly TransferProgressTracker _tracker;
        private readonly string _item;
        private long _reported;

        public FileProgress(TransferProgressTracker tracker, string item)
        {
            _tracker = tracker;
            _item = item;
        }

        public void Report(long value)
        {
            // A retried request restarts its count: only the growth is new.
            var previous = Interlocked.Exchange(ref _reported, value);
            if (value > previous) _tracker.AddBytes(value - previous, _item);
        }
    }
}
