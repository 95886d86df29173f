namespace BatchWords.Batch;

/// <summary>
/// The gap between calls while a service throttles (429, or 503 server busy), shared by calls in flight:
/// on each throttle the gap doubles (at least the first step, at least the service's Retry-After, at most the
/// cap); on each success it halves, and below a tenth of the first step it is gone. Each wait is jittered
/// (±20%) so parallel callers do not come back in step. The gap used to grow by a fixed step per throttle and
/// never shrink, so one throttled burst slowed every later call of the run (100 calls took 12 minutes).
/// </summary>
internal sealed class ThrottleGovernor
{
    private const double Jitter = 0.2;
    private readonly object _gate = new();
    private readonly TimeSpan _firstStep;
    private readonly TimeSpan _max;
    private readonly Func<double> _random;
    private TimeSpan _gap = TimeSpan.Zero;

    public ThrottleGovernor(TimeSpan firstStep, TimeSpan max, Func<double>? random = null)
    {
        _firstStep = firstStep;
        _max = max;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The current gap, before jitter.</summary>
    public TimeSpan Gap { get { lock (_gate) return _gap; } }

    /// <summary>The wait before the next call: the gap with ±20% jitter (zero when not throttled).</summary>
    public TimeSpan NextWait()
    {
        TimeSpan gap;
        lock (_gate) gap = _gap;
        if (gap <= TimeSpan.Zero) return TimeSpan.Zero;
        return TimeSpan.FromTicks((long)(gap.Ticks * (1 - Jitter + 2 * Jitter * _random())));
    }

    public void OnThrottled(TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            var doubled = _gap <= TimeSpan.Zero ? _firstStep : _gap * 2;
            if (retryAfter is { } after && after > doubled) doubled = after;
            _gap = doubled < _max ? doubled : _max;
        }
    }

    public void OnSuccess()
    {
        lock (_gate)
        {
            if (_gap <= TimeSpan.Zero) return;
            var halved = _gap / 2;
            _gap = halved < _firstStep / 10 ? TimeSpan.Zero : halved;
        }
    }

    /// <summary>Retry-After (seconds or an HTTP date) or retry-after-ms of a throttled response, if any.</summary>
    public static TimeSpan? RetryAfterOf(Azure.Response? response)
    {
        if (response is null) return null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var millis))
            return TimeSpan.FromMilliseconds(Math.Max(0, millis));
        if (!response.Headers.TryGetValue("Retry-After", out var value)) return null;
        if (int.TryParse(value, out var seconds)) return TimeSpan.FromSeconds(Math.Max(0, seconds));
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
