using System.Text;
using System.Text.Json;
using BatchWords.Emulator.Http;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

/// <summary>The emulator in Entra ID mode: bearer tokens checked as the service checks them, Shared Key refused.</summary>
public class BearerTokenValidatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private const string Tenant = "33333333-4444-4555-8666-777777777777";

    [Fact]
    public void A_token_for_the_batch_audience_within_its_lifetime_passes()
        => Verify("Bearer " + Token(BearerTokenValidator.Audience, Now.AddMinutes(-1), Now.AddMinutes(59)));

    [Theory]
    [InlineData("https://batch.core.windows.net", -1, 59, "wrong audience")]
    [InlineData("https://storage.azure.com", -1, 59, "wrong audience")]
    [InlineData(BearerTokenValidator.Audience, -60, -1, "expiry")]
    [InlineData(BearerTokenValidator.Audience, 1, 60, "not yet valid")]
    public void Refused_tokens_get_401_and_the_challenge_with_the_tenant(string audience, int nbfMinutes, int expMinutes, string detail)
    {
        var error = Assert.Throws<BatchRequestException>(() => Verify("Bearer " + Token(audience, Now.AddMinutes(nbfMinutes), Now.AddMinutes(expMinutes))));
        Assert.Equal(401, error.Status);
        Assert.Equal("AuthenticationFailed", error.Code);
        Assert.Contains(detail, error.Values.Single(v => v.Key == "AuthenticationErrorDetail").Value, StringComparison.Ordinal);
        Assert.Equal($"Bearer authorization_uri=\"https://login.microsoftonline.com/{Tenant}\", error=\"invalid_token\", resource=\"https://batch.core.windows.net/\"", error.Challenge);
    }

    [Fact]
    public void A_request_without_authorization_gets_the_challenge()
    {
        var error = Assert.Throws<BatchRequestException>(() => Verify(null));
        Assert.Equal(401, error.Status);
        Assert.Equal("Bearer authorization_uri=\"https://login.microsoftonline.com/common\", resource=\"https://batch.core.windows.net/\"", error.Challenge);
    }

    [Fact]
    public void Shared_key_is_refused_even_when_well_formed()
    {
        var error = Assert.Throws<BatchRequestException>(() => Verify("SharedKey myaccount:c2lnbmF0dXJl"));
        Assert.Equal(403, error.Status);
        Assert.Contains("SharedKey is not allowed", error.Values.Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_that_is_not_a_jwt_is_refused()
        => Assert.Equal(401, Assert.Throws<BatchRequestException>(() => Verify("Bearer not-a-jwt")).Status);

    private static void Verify(string? authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/pools";
        context.Request.QueryString = new QueryString("?api-version=2025-06-01.21.0");
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        new SharedKeyVerifier("myaccount", new byte[32], clock: () => Now, entraId: new BearerTokenValidator(() => Now)).Verify(context);
    }

    private static string Token(string audience, DateTimeOffset notBefore, DateTimeOffset expiresOn)
    {
        static string Encode(object value) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Encode(new { alg = "none", typ = "JWT" }) + "." +
               Encode(new { aud = audience, tid = Tenant, oid = "o", nbf = notBefore.ToUnixTimeSeconds(), exp = expiresOn.ToUnixTimeSeconds() }) + ".";
    }
}
