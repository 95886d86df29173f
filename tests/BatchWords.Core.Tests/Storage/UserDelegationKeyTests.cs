using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Storage.Blobs;
using BatchWords.Core.Tests.Batch;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>
/// User-delegation keys (Entra ID contexts): one Get User Delegation Key for a run of 1,000 inputs and every
/// later cmdlet on the same context, and a new one only when the cached key would not outlive a SAS or nears its end.
/// </summary>
public class UserDelegationKeyTests
{
    private static readonly Uri Endpoint = new("https://acct.blob.core.windows.net");

    [Fact]
    public async Task A_thousand_inputs_and_the_next_cmdlet_cost_one_key_request()
    {
        var transport = DelegationKeyService();
        var credential = StorageCredential.EntraId(new FixedCredential(), new BlobClientOptions { Transport = transport });
        var service = credential.CreateServiceClient(Endpoint);
        var container = service.GetBlobContainerClient("input");

        // Publish-BwInput: one SAS per input, each expiring "now + validity" (a little later each time).
        var publish = new SasIssuer(service, credential);
        var urls = new List<Uri>();
        for (var i = 0; i < 1000; i++)
            urls.Add(await publish.BlobReadAsync(container.GetBlobClient($"in-{i}.txt"), DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None));
        // Start-BwJob: another cmdlet, another issuer, the same context.
        var start = new SasIssuer(service, credential);
        urls.Add(await start.ContainerWriteAsync(service.GetBlobContainerClient("output"), DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None));

        Assert.Single(transport.Requests, r => r.Uri.Query.Contains("comp=userdelegationkey", StringComparison.Ordinal));
        Assert.Equal(1, credential.DelegationKeys.Requests);
        Assert.All(urls, url => Assert.Contains("skoid=", url.Query, StringComparison.Ordinal));
        Assert.Single(urls.Select(url => Regex.Match(url.Query, "ske=[^&]+").Value).Distinct());
    }

    [Fact]
    public async Task The_key_is_renewed_before_it_ends_and_when_a_sas_would_outlive_it()
    {
        var transport = DelegationKeyService();
        var service = new BlobServiceClient(Endpoint, new FixedCredential(), new BlobClientOptions { Transport = transport });
        var now = DateTimeOffset.UtcNow;
        var cache = new UserDelegationKeyCache(() => now);

        var first = await cache.GetAsync(service, now.AddHours(1), CancellationToken.None);
        Assert.Same(first, await cache.GetAsync(service, now.AddHours(2), CancellationToken.None));
        // A SAS beyond the key's day of headroom: a new key.
        var second = await cache.GetAsync(service, now.AddDays(2), CancellationToken.None);
        Assert.NotSame(first, second);
        // Four minutes before the key ends: renewed although the SAS asked for would still fit.
        now = second.SignedExpiresOn.AddMinutes(-4);
        var third = await cache.GetAsync(service, now.AddMinutes(1), CancellationToken.None);
        Assert.NotSame(second, third);
        Assert.Equal(3, cache.Requests);
    }

    /// <summary>Answers Get User Delegation Key with a key valid for the Start and Expiry the request asked for.</summary>
    private static ScriptedTransport DelegationKeyService() => new(request =>
    {
        var start = Regex.Match(request.BodyText, "<Start>([^<]+)</Start>").Groups[1].Value;
        var expiry = Regex.Match(request.BodyText, "<Expiry>([^<]+)</Expiry>").Groups[1].Value;
        var body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey>" +
                   "<SignedOid>11111111-1111-4111-8111-111111111111</SignedOid><SignedTid>22222222-2222-4222-8222-222222222222</SignedTid>" +
                   $"<SignedStart>{start}</SignedStart><SignedExpiry>{expiry}</SignedExpiry><SignedService>b</SignedService>" +
                   "<SignedVersion>2026-06-06</SignedVersion><Value>" + Convert.ToBase64String(new byte[32]) + "</Value></UserDelegationKey>";
        return new ScriptedResponse(200, body, "application/xml");
    });

    private sealed class FixedCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
