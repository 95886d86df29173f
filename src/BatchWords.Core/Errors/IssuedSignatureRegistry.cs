using System.Security.Cryptography;
using System.Text;

namespace BatchWords;

/// <summary>
/// The signatures of the SAS URLs this process issued, so a bare signature (one without its 'sig=' in front)
/// is redacted too. A publish of 100,000 files issues 100,000 of them, so this is built for volume:
/// adding and looking up are O(1); each entry is a 128-bit fingerprint, not the signature itself; an entry
/// leaves once its SAS has expired (a signature that no longer opens anything is no secret), and the oldest
/// leave first when more than <see cref="Capacity"/> are alive. A signature that left is still redacted
/// wherever it follows 'sig=' (SecretScrubber's pattern), which is how a SAS URL is written.
/// </summary>
internal sealed class IssuedSignatureRegistry
{
    /// <summary>Two 100k publishes in one session stay whole; about 80 bytes per entry (16 MB at the cap).</summary>
    internal const int DefaultCapacity = 200_000;

    private readonly object _gate = new();
    private readonly Dictionary<UInt128, DateTimeOffset> _expiries = new();
    private readonly Queue<(UInt128 Key, DateTimeOffset ExpiresOn)> _arrivals = new();
    private readonly Func<DateTimeOffset> _now;

    public IssuedSignatureRegistry(int capacity = DefaultCapacity, Func<DateTimeOffset>? now = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _now = now ?? (() => DateTimeOffset.UtcNow);
    }

    public int Capacity { get; }

    /// <summary>Signatures currently held (at most <see cref="Capacity"/>).</summary>
    public int Count { get { lock (_gate) return _expiries.Count; } }

    /// <summary>Queue entries, counting re-registrations not yet evicted; bounded like Count (at most twice).</summary>
    internal int QueueLength { get { lock (_gate) return _arrivals.Count; } }

    /// <summary>Adds a signature (URL-encoded or not) until <paramref name="expiresOn"/>. Amortised O(1).</summary>
    public void Add(string signature, DateTimeOffset expiresOn)
    {
        if (string.IsNullOrEmpty(signature)) return;
        var key = Fingerprint(signature);
        var now = _now();
        lock (_gate)
        {
            if (_expiries.TryGetValue(key, out var known) && known >= expiresOn) { EvictExpired(now); return; }
            _expiries[key] = expiresOn;
            _arrivals.Enqueue((key, expiresOn));
            EvictExpired(now);
            // Re-registrations leave stale queue entries behind; the queue never holds more than twice the cap.
            while (_expiries.Count > Capacity || _arrivals.Count > 2 * Capacity) Evict(_arrivals.Dequeue());
        }
    }

    public bool Contains(string candidate)
    {
        var key = Fingerprint(candidate);
        lock (_gate)
            return _expiries.TryGetValue(key, out var expiresOn) && expiresOn > _now();
    }

    private void EvictExpired(DateTimeOffset now)
    {
        // Arrival order, not expiry order: an unexpired entry at the front holds later expired ones back,
        // which only delays them (the cap still bounds the size).
        while (_arrivals.TryPeek(out var oldest) && oldest.ExpiresOn <= now) Evict(_arrivals.Dequeue());
    }

    private void Evict((UInt128 Key, DateTimeOffset ExpiresOn) entry)
    {
        // A signature registered again later has a newer entry further back: only that one removes it.
        if (_expiries.TryGetValue(entry.Key, out var current) && current == entry.ExpiresOn) _expiries.Remove(entry.Key);
    }

    /// <summary>The first 128 bits of SHA-256 over the signature as it is once URL-decoded.</summary>
    private static UInt128 Fingerprint(string signature)
    {
        var decoded = signature.Contains('%') ? Uri.UnescapeDataString(signature) : signature;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(decoded), hash);
        return new UInt128(BitConverter.ToUInt64(hash[..8]), BitConverter.ToUInt64(hash[8..16]));
    }
}
