using System.Numerics;
using System.Runtime.InteropServices;

namespace BatchWords.Worker;

/// <summary>
/// A 128-bit hash of a long word's key bytes, fed in pieces of any size: the same bytes give the same hash however they
/// are cut, so a word streamed from the file and one hashed whole in a buffer meet in <see cref="LongWordTable"/>.
/// </summary>
/// <remarks>
/// The hash only groups words: two long words count as one only once their bytes are compared (re-read from the
/// file), so a collision costs a re-read, never a wrong count. It is seeded at random per process, so a file cannot be
/// made on purpose to collide and make every long word re-read all the others.
/// </remarks>
internal struct LongWordHasher
{
    private const ulong Prime1 = 0x9E3779B185EBCA87;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4F;
    private const ulong Prime3 = 0x165667B19E3779F9;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63;

    private static readonly ulong s_seed = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1);

    private ulong _a;
    private ulong _b;
    private ulong _pending0;  // up to 15 bytes not yet in a whole 16-byte block
    private ulong _pending1;
    private int _pendingLength;
    private long _length;

    public static LongWordHasher Create() => new() { _a = s_seed ^ Prime3, _b = ~s_seed * Prime4 | 1 };

    /// <summary>The bytes hashed so far.</summary>
    public readonly long Length => _length;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        _length += bytes.Length;
        if (_pendingLength > 0)
        {
            int take = Math.Min(16 - _pendingLength, bytes.Length);
            Span<byte> pending = MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref _pending0, 2));
            bytes[..take].CopyTo(pending[_pendingLength..]);
            _pendingLength += take;
            bytes = bytes[take..];
            if (_pendingLength < 16) return;
            Mix(_pending0, _pending1);
            _pendingLength = 0;
        }
        ulong a = _a, b = _b;
        while (bytes.Length >= 16)
        {
            ulong first = MemoryMarshal.Read<ulong>(bytes);
            ulong second = MemoryMarshal.Read<ulong>(bytes[8..]);
            a = BitOperations.RotateLeft(a ^ (first * Prime1), 31) * Prime2;
            b = BitOperations.RotateLeft(b ^ (second * Prime3), 27) * Prime4;
            bytes = bytes[16..];
        }
        (_a, _b) = (a, b);
        if (bytes.Length > 0)
        {
            (_pending0, _pending1) = (0, 0);
            bytes.CopyTo(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref _pending0, 2)));
            _pendingLength = bytes.Length;
        }
    }

    /// <summary>The hash of everything appended; the length is mixed in, so only equal lengths can collide.</summary>
    public readonly UInt128 Finish()
    {
        ulong a = _a, b = _b;
        if (_pendingLength > 0)
        {
            // Bytes past the data are zero: the length, mixed in below, tells "ab" from "ab\0".
            ulong first = _pending0, second = _pending1;
            a = BitOperations.RotateLeft(a ^ (first * Prime1), 31) * Prime2;
            b = BitOperations.RotateLeft(b ^ (second * Prime3), 27) * Prime4;
        }
        a ^= (ulong)_length * Prime3;
        b ^= BitOperations.RotateLeft((ulong)_length, 32) * Prime1;
        a += b;
        b += a;
        return new UInt128(Avalanche(a), Avalanche(b ^ a));
    }

    /// <summary>The hash of <paramref name="bytes"/> in one piece.</summary>
    public static UInt128 Of(ReadOnlySpan<byte> bytes)
    {
        LongWordHasher hasher = Create();
        hasher.Append(bytes);
        return hasher.Finish();
    }

    private void Mix(ulong first, ulong second)
    {
        _a = BitOperations.RotateLeft(_a ^ (first * Prime1), 31) * Prime2;
        _b = BitOperations.RotateLeft(_b ^ (second * Prime3), 27) * Prime4;
    }

    /// <summary>xxHash64's final mix: every input bit reaches every output bit.</summary>
    private static ulong Avalanche(ulong h)
    {
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }
}
