using System.Text;
using System.Text.Json;
using Azure.Core;

namespace BatchWords;

/// <summary>
/// The local Entra ID stack's stand-in for Microsoft Entra ID: mints unsigned JWTs for the scope asked for, with
/// the claims Azurite's --oauth basic and the Batch emulator check (aud from the scope, iss, iat, nbf, exp) and
/// the identity user-delegation keys are bound to (oid, tid). Neither local service checks signatures, and
/// nothing outside this machine accepts these tokens, so there is no secret here to protect. Each call mints a
/// fresh token, as a real credential hands out a new one once the old expires.
/// </summary>
internal sealed class LocalTokenCredential : TokenCredential
{
    /// <summary>The local tenant (any GUID would do; a fixed one keeps user-delegation SAS of one home comparable).</summary>
    public const string TenantId = "72f988bf-0000-4000-8000-00000000b0c4";

    private readonly TimeSpan _lifetime;

    public LocalTokenCredential(string objectId, TimeSpan? lifetime = null)
    {
        ObjectId = objectId;
        _lifetime = lifetime ?? TimeSpan.FromHours(1);
    }

    /// <summary>The signed-in principal's object id (the user-delegation SAS's skoid).</summary>
    public string ObjectId { get; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var expiresOn = now + _lifetime;
        return new AccessToken(Mint(AudienceOf(requestContext.Scopes), ObjectId, TenantId, now, expiresOn), expiresOn);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => new(GetToken(requestContext, cancellationToken));

    /// <summary>The resource of a scope: "https://storage.azure.com/.default" -> "https://storage.azure.com", "https://batch.core.windows.net//.default" -> "https://batch.core.windows.net/".</summary>
    internal static string AudienceOf(IReadOnlyList<string> scopes)
    {
        var scope = scopes.Count > 0 ? scopes[0] : throw new ArgumentException("A token request needs a scope.", nameof(scopes));
        return scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : scope;
    }

    /// <summary>An unsigned JWT ("alg":"none") with the claims the local services read.</summary>
    internal static string Mint(string audience, string objectId, string tenantId, DateTimeOffset notBefore, DateTimeOffset expiresOn)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{tenantId}/",
            ["iat"] = notBefore.ToUnixTimeSeconds(),
            ["nbf"] = notBefore.ToUnixTimeSeconds(),
            ["exp"] = expiresOn.ToUnixTimeSeconds(),
            ["oid"] = objectId,
            ["tid"] = tenantId,
            ["sub"] = objectId,
        });
        return Base64Url(header) + "." + Base64Url(payload) + ".";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
