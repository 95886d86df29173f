using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Authenticates each request as the real service does (§7): Shared Key over the request as sent, with the
/// date in ocp-date (or Date) at most 15 minutes away. A wrong signature is 403 AuthenticationFailed whose
/// AuthenticationErrorDetail shows the string the server signed, which is what makes signing bugs debuggable.
/// Bearer tokens pass only when the emulator was given a static token to compare with.
/// </summary>
public sealed class SharedKeyVerifier
{
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(15);

    private readonly string _account;
    private readonly byte[] _key;
    private readonly string? _bearerToken;
    private readonly BearerTokenValidator? _entraId;
    private readonly Func<DateTimeOffset> _clock;

    /// <param name="entraId">
    /// Entra ID only (an account whose allowedAuthenticationModes is AAD alone): bearer tokens checked by this
    /// validator, Shared Key refused. Null: Shared Key, and a bearer token only when it equals <paramref name="bearerToken"/>.
    /// </param>
    public SharedKeyVerifier(string account, byte[] key, string? bearerToken = null, Func<DateTimeOffset>? clock = null, BearerTokenValidator? entraId = null)
    {
        _account = account;
        _key = key;
        _bearerToken = bearerToken;
        _entraId = entraId;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    public void Verify(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (_entraId is not null)
        {
            if (authorization.Length == 0) throw BearerTokenValidator.Missing();
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                _entraId.Validate(authorization["Bearer ".Length..].Trim());
                return;
            }
            // The service's answer to a key on an AAD-only account (its AuthenticationErrorDetail, as users report it).
            throw Failed(authorization.StartsWith("SharedKey ", StringComparison.OrdinalIgnoreCase)
                ? "The specified type of authentication SharedKey is not allowed for this account."
                : "The Authorization header must use the Bearer scheme: this account accepts Microsoft Entra ID only.");
        }
        if (authorization.Length == 0)
            throw new BatchRequestException(HttpStatusCode.Unauthorized, "AuthenticationFailed",
                "Server failed to authenticate the request. The request has no Authorization header.",
                ("AuthenticationErrorDetail", "Send 'Authorization: SharedKey {account}:{signature}'."));

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            if (_bearerToken is not null && FixedTimeEquals(token, _bearerToken)) return;
            throw Failed(_bearerToken is null
                ? "This emulator accepts Shared Key only: no bearer token was configured."
                : "The bearer token is not the one this emulator was configured with.");
        }

        if (!authorization.StartsWith("SharedKey ", StringComparison.OrdinalIgnoreCase))
            throw Failed("The Authorization header must use the SharedKey or Bearer scheme.");
        var credential = authorization["SharedKey ".Length..].Trim();
        var colon = credential.LastIndexOf(':');
        if (colon <= 0)
            throw Failed("The Authorization header is not of the form 'SharedKey {account}:{signature}'.");
        var account = credential[..colon];
        var signature = credential[(colon + 1)..];
        if (!string.Equals(account, _account, StringComparison.Ordinal))
            throw Failed($"The account '{account}' in the Authorization header is not this emulator's account.");

        CheckDate(request);
        var lengthHeader = request.Headers.ContentLength is { } n ? n.ToString(CultureInfo.InvariantCulture) : "";
        // Zero-length bodies: the SDKs disagree on "" and "0" (§7.1), so both are accepted.
        var candidates = lengthHeader is "" or "0" ? new[] { "", "0" } : new[] { lengthHeader };
        // Query names with capitals: the official SDK and the documented rule order them differently, both pass.
        string? firstStringToSign = null;
        foreach (var lengthLine in candidates)
        foreach (var order in new[] { QueryNameOrder.SortedAsSent, QueryNameOrder.SortedLowerCased })
        {
            var stringToSign = StringToSign(context, lengthLine, order);
            firstStringToSign ??= stringToSign;
            var expected = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
            if (FixedTimeEquals(signature, expected)) return;
        }
        throw Failed($"The MAC signature found in the HTTP request '{signature}' is not the same as any computed signature. " +
                     $"Server used following string to sign: '{firstStringToSign}'.");
    }

    public string StringToSign(HttpContext context, string contentLengthLine, QueryNameOrder order = QueryNameOrder.SortedAsSent)
    {
        var request = context.Request;
        return SharedKeyStringToSign.Build(
            request.Method,
            name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null,
            contentLengthLine,
            request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())),
            _account,
            RawRequestPath.Of(context),
            request.QueryString.Value ?? "",
            order);
    }

    private void CheckDate(HttpRequest request)
    {
        var text = request.Headers["ocp-date"].ToString();
        if (text.Length == 0) text = request.Headers.Date.ToString();
        if (text.Length == 0) throw Failed("The request has neither an ocp-date nor a Date header.");
        if (!DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            throw Failed($"The date '{text}' is not in RFC 1123 format.");
        var skew = (_clock() - date).Duration();
        if (skew > AllowedClockSkew)
            throw Failed($"Request date {text} is more than {AllowedClockSkew.TotalMinutes:0} minutes away from the server time.");
    }

    private static BatchRequestException Failed(string detail) =>
        new(HttpStatusCode.Forbidden, "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
            ("AuthenticationErrorDetail", detail));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>Middleware form of <see cref="SharedKeyVerifier"/>.</summary>
public sealed class Authentication
{
    private readonly RequestDelegate _next;
    private readonly SharedKeyVerifier _verifier;

    public Authentication(RequestDelegate next, SharedKeyVerifier verifier)
    {
        _next = next;
        _verifier = verifier;
    }

    public Task InvokeAsync(HttpContext context)
    {
        _verifier.Verify(context);
        return _next(context);
    }
}
