using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace BatchWords;

/// <summary>
/// The user-delegation key an Entra ID context signs its SAS URLs with, one per context (shared by every cmdlet
/// that uses it): requested once with a day's headroom past the SAS it is first needed for, used for every SAS
/// that ends before it does, and requested again only when a SAS would outlive it or it is within
/// <see cref="RenewBefore"/> of its end. Without the headroom, each SAS (whose expiry is "now + validity", a little
/// later each time) outlived the key made for the previous one, and every input cost a Get User Delegation Key.
/// </summary>
internal sealed class UserDelegationKeyCache
{
    internal static readonly TimeSpan Headroom = TimeSpan.FromDays(1);
    internal static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    /// <summary>The service's limit: a user-delegation key is valid for at most 7 days from now.</summary>
    internal static readonly TimeSpan MaximumLifetime = TimeSpan.FromDays(7);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Func<DateTimeOffset> _clock;
    private UserDelegationKey? _key;

    public UserDelegationKeyCache(Func<DateTimeOffset>? clock = null) => _clock = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>How many keys were requested from the service (the count tests check).</summary>
    public int Requests { get; private set; }

    /// <summary>A key valid until at least <paramref name="sasExpiresOn"/>: the cached one, or a new one.</summary>
    public async Task<UserDelegationKey> GetAsync(BlobServiceClient service, DateTimeOffset sasExpiresOn, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _clock();
            if (_key is { } key && key.SignedExpiresOn >= sasExpiresOn && key.SignedExpiresOn - now > RenewBefore) return key;
            var expiresOn = Min(sasExpiresOn + Headroom, now + MaximumLifetime);
            if (expiresOn < sasExpiresOn) expiresOn = sasExpiresOn; // a SAS beyond 7 days: the service says why
            var options = new BlobGetUserDelegationKeyOptions(expiresOn) { StartsOn = now - SasIssuer.ClockSkewAllowance };
            Requests++;
            try { _key = (await service.GetUserDelegationKeyAsync(options, cancellationToken).ConfigureAwait(false)).Value; }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw StorageErrors.Map(e, "Get user delegation key", service.AccountName);
            }
            SecretScrubber.Register(_key.Value);
            return _key;
        }
        finally { _gate.Release(); }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
