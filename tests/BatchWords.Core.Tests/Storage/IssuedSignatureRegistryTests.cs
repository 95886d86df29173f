using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>
/// Issue 12, finding 1: every issued read SAS stayed registered for the session in a list re-sorted on each
/// insert, so each registration cost more than the last. The registry now holds fingerprints in a hash table,
/// bounded by a cap and by the SAS expiry; sizes are checked here, not times.
/// </summary>
public sealed class IssuedSignatureRegistryTests
{
    private static string Signature(int i) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));

    [Fact]
    public void Registering_the_same_signatures_again_does_not_grow_the_registry()
    {
        var registry = new IssuedSignatureRegistry(capacity: 10_000);
        var expiresOn = DateTimeOffset.UtcNow.AddHours(1);
        for (var round = 0; round < 3; round++)
            for (var i = 0; i < 1_000; i++) registry.Add(Signature(i), expiresOn);

        Assert.Equal(1_000, registry.Count);
        Assert.Equal(1_000, registry.QueueLength);
    }

    [Fact]
    public void More_live_signatures_than_the_cap_evict_the_oldest_and_the_size_stays_at_the_cap()
    {
        var registry = new IssuedSignatureRegistry(capacity: 1_000);
        var expiresOn = DateTimeOffset.UtcNow.AddHours(1);
        for (var i = 0; i < 50_000; i++) registry.Add(Signature(i), expiresOn);

        Assert.Equal(1_000, registry.Count);
        Assert.True(registry.QueueLength <= 2_000, registry.QueueLength.ToString());
        Assert.False(registry.Contains(Signature(0)));
        Assert.True(registry.Contains(Signature(49_999)));
    }

    [Fact]
    public void Expired_signatures_leave_as_new_ones_arrive()
    {
        var now = DateTimeOffset.UtcNow;
        var registry = new IssuedSignatureRegistry(capacity: 100_000, now: () => now);
        for (var i = 0; i < 5_000; i++) registry.Add(Signature(i), now.AddMinutes(1));
        Assert.Equal(5_000, registry.Count);

        now = now.AddMinutes(2); // every SAS above has expired
        for (var i = 5_000; i < 5_010; i++) registry.Add(Signature(i), now.AddMinutes(1));

        Assert.Equal(10, registry.Count);
        Assert.False(registry.Contains(Signature(0)));
    }

    [Fact]
    public void A_signature_is_found_url_encoded_or_not()
    {
        var registry = new IssuedSignatureRegistry();
        var signature = "ab+cd/ef" + Signature(7);
        registry.Add(Uri.EscapeDataString(signature), DateTimeOffset.UtcNow.AddHours(1));

        Assert.True(registry.Contains(signature));
        Assert.True(registry.Contains(Uri.EscapeDataString(signature)));
        Assert.False(registry.Contains(Signature(8)));
    }

    [Fact]
    public void An_issued_signature_is_redacted_even_without_sig_in_front()
    {
        var signature = Signature(123_456);
        SecretScrubber.RegisterIssuedSas($"?sv=2025-01-05&sr=b&sp=r&sig={Uri.EscapeDataString(signature)}", DateTimeOffset.UtcNow.AddHours(1));

        var scrubbed = SecretScrubber.Scrub($"bare {signature}; encoded {Uri.EscapeDataString(signature)}; other {Signature(654_321)}");

        Assert.DoesNotContain(signature, scrubbed);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), scrubbed);
        Assert.Contains(Signature(654_321), scrubbed); // only what was issued
        Assert.Equal(2, scrubbed.Split("REDACTED").Length - 1);
    }
}
