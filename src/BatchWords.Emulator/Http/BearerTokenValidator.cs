using System.Net;
using System.Text;
using System.Text.Json;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Checks a Microsoft Entra ID access token as the Batch service checks what it can see of one: a JWT whose
/// audience is the Batch resource (https://batch.core.windows.net/, exactly, with its slash), that is not yet
/// expired and already valid (nbf). No clock skew is allowed, unlike the 5 minutes of Entra ID's validators: the
/// emulator and its clients share one clock, and a client that sends an expired token must be caught at once
/// (Azurite's --oauth allows none either).
/// Signatures are not checked: the local Entra ID stack mints unsigned tokens (Azurite's --oauth basic does the
/// same). A missing or refused token is answered 401 AuthenticationFailed with a Bearer WWW-Authenticate
/// challenge that names the authority and the resource, which is what tells a client to get a (new) token.
/// </summary>
public sealed class BearerTokenValidator
{
    /// <summary>The audience the service accepts (batch-rest-api.md §7.2; "without the slash" is refused by the service).</summary>
    public const string Audience = "https://batch.core.windows.net/";

    public static readonly TimeSpan AllowedClockSkew = TimeSpan.Zero;

    private readonly Func<DateTimeOffset> _clock;

    public BearerTokenValidator(Func<DateTimeOffset>? clock = null) => _clock = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>The token's claims when it passes; throws the service's 401 otherwise.</summary>
    public JsonElement Validate(string token)
    {
        var claims = Decode(token) ?? throw Unauthorized(null, "invalid_token", "The access token is not a well-formed JWT.");
        var tenant = claims.TryGetProperty("tid", out var tid) && tid.ValueKind == JsonValueKind.String ? tid.GetString() : null;
        var audience = claims.TryGetProperty("aud", out var aud) && aud.ValueKind == JsonValueKind.String ? aud.GetString() : null;
        if (!string.Equals(audience, Audience, StringComparison.Ordinal))
            throw Unauthorized(tenant, "invalid_token",
                $"The access token has been obtained from wrong audience or resource '{audience}'. It should exactly match (including forward slash) with one of the allowed audiences '{Audience}'");
        var now = _clock();
        if (Seconds(claims, "exp") is not { } exp)
            throw Unauthorized(tenant, "invalid_token", "The access token has no expiry (exp).");
        if (DateTimeOffset.FromUnixTimeSeconds(exp) + AllowedClockSkew <= now)
            throw Unauthorized(tenant, "invalid_token", "The access token expiry UTC time '" +
                DateTimeOffset.FromUnixTimeSeconds(exp).UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture) +
                "' is earlier than current UTC time '" + now.UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture) + "'.");
        if (Seconds(claims, "nbf") is { } nbf && DateTimeOffset.FromUnixTimeSeconds(nbf) - AllowedClockSkew > now)
            throw Unauthorized(tenant, "invalid_token", "The access token is not yet valid (nbf is in the future).");
        return claims;
    }

    /// <summary>The 401 for a request with no Authorization header at all.</summary>
    public static BatchRequestException Missing() =>
        Unauthorized(null, null, "The request has no Authorization header: send 'Authorization: Bearer {token}' with a token for " + Audience + ".");

    /// <summary>
    /// 401 AuthenticationFailed with the challenge: Bearer authorization_uri="https://login.microsoftonline.com/{tenant}",
    /// error="invalid_token" (when a token was sent), resource="https://batch.core.windows.net/". "common" when the tenant is unknown.
    /// </summary>
    public static BatchRequestException Unauthorized(string? tenant, string? error, string detail)
    {
        var challenge = new StringBuilder($"Bearer authorization_uri=\"https://login.microsoftonline.com/{tenant ?? "common"}\"");
        if (error is not null) challenge.Append($", error=\"{error}\"");
        challenge.Append($", resource=\"{Audience}\"");
        return new BatchRequestException(HttpStatusCode.Unauthorized, "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
            ("AuthenticationErrorDetail", detail)) { Challenge = challenge.ToString() };
    }

    private static long? Seconds(JsonElement claims, string name)
        => claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : null;

    private static JsonElement? Decode(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException) { return null; }
    }
}
