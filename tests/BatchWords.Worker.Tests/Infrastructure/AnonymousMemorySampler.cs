using System.Globalization;

namespace BatchWords.Worker.Tests.Infrastructure;

/// <summary>
/// Samples a process's anonymous resident memory (RssAnon in /proc/&lt;pid&gt;/status) every couple of milliseconds
/// and keeps the peak. RssAnon leaves out the page cache (file pages, mapped or read), which VmHWM would count, so it is
/// the memory the worker itself asked for.
/// </summary>
public sealed class AnonymousMemorySampler
{
    private readonly int _pid;
    private readonly Thread _thread;
    private volatile bool _stop;
    private Exception? _failure;

    private AnonymousMemorySampler(int pid)
    {
        _pid = pid;
        _thread = new Thread(Sample) { IsBackground = true, Name = $"RssAnon of {pid}" };
    }

    public long PeakBytes { get; private set; }

    /// <summary>How many readings were taken: a run that is too short to sample says so.</summary>
    public int Samples { get; private set; }

    public static AnonymousMemorySampler Start(int pid)
    {
        var sampler = new AnonymousMemorySampler(pid);
        sampler._thread.Start();
        return sampler;
    }

    /// <summary>Stops sampling (the process has exited, or the run failed) and waits for the last reading.</summary>
    public void Stop()
    {
        _stop = true;
        _thread.Join();
    }

    /// <summary>Throws, on the test's thread, what made a reading fail.</summary>
    public void ThrowIfFailed()
    {
        if (_failure is not null) throw new InvalidOperationException($"sampling RssAnon of process {_pid} failed", _failure);
    }

    /// <summary>RssAnon of <paramref name="pid"/> in bytes, or null when the process is gone.</summary>
    public static long? ReadRssAnon(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("RssAnon:", StringComparison.Ordinal)) continue;
                string[] parts = line["RssAnon:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries); // "RssAnon:\t  1234 kB"
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024; // always in kB
            }
            return null; // a zombie's status has no memory lines
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Sample()
    {
        try
        {
            while (!_stop)
            {
                long? bytes = ReadRssAnon(_pid);
                if (bytes is null) return;
                Samples++;
                if (bytes > PeakBytes) PeakBytes = bytes.Value;
                Thread.Sleep(2);
            }
        }
        catch (Exception e)
        {
            _failure = e; // an exception on this thread would end the test host
        }
    }
}
