using System.Globalization;
using BatchWords.Emulator.Http;
using BatchWords.Tests.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

/// <summary>
/// Issue 12, findings 10 and 11: the emulator accepts what the official .NET SDK's policy signs (the reference in
/// tests/Shared) for the shapes where it used to answer 403: a Date header next to ocp-date, a repeated
/// parameter, capitalised parameter names; and, for capitalised names, the documented order as well.
/// </summary>
public class SharedKeyFidelityTests
{
    private const string Key = "bG9jYWwtZW11bGF0b3ItZGVtby1rZXktMzJieXRlcyE=";
    private const string Account = "myaccount";
    private const string OcpDate = "Tue, 01 Jul 2025 12:00:00 GMT";
    private static readonly DateTimeOffset SigningTime = DateTimeOffset.Parse("2025-07-01T12:00:00Z", CultureInfo.InvariantCulture);

    public static TheoryData<string, string, string?, long?> Shapes()
    {
        var data = new TheoryData<string, string, string?, long?>();
        foreach (var (method, target, date, body) in SharedKeyRequestShapes.All) data.Add(method, target, date, SharedKeyRequestShapes.ContentLength(body));
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_emulator_accepts_what_the_official_policy_signs(string method, string target, string? date, long? length)
    {
        var context = Request(method, target, date, length);
        var expected = Official(context, target, length);

        Assert.Equal(expected, Verifier().StringToSign(context, length is null or 0 ? "" : length.Value.ToString(CultureInfo.InvariantCulture)));
        context.Request.Headers.Authorization = $"SharedKey {Account}:{OfficialBatchSharedKey.Signature(expected, Convert.FromBase64String(Key))}";
        Verifier().Verify(context);
    }

    [Fact]
    public void Capitalised_names_in_the_documented_order_are_accepted_too()
    {
        const string target = "/jobs?api-version=2025-06-01.21.0&Timeout=30";
        var context = Request("GET", target, null, null);
        var documented = $"GET\n\n\n\n\n\n\n\n\n\n\n\nocp-date:{OcpDate}\n/{Account}/jobs\napi-version:2025-06-01.21.0\ntimeout:30";
        Assert.NotEqual(documented, Official(context, target, null));
        context.Request.Headers.Authorization = $"SharedKey {Account}:{OfficialBatchSharedKey.Signature(documented, Convert.FromBase64String(Key))}";
        Verifier().Verify(context);
    }

    [Fact]
    public void A_Date_header_signed_by_value_next_to_ocp_date_is_refused()
    {
        const string target = "/jobs?api-version=2025-06-01.21.0";
        const string date = "Wed, 02 Jul 2025 08:00:00 GMT";
        var context = Request("GET", target, date, null);
        var signedWithDate = $"GET\n\n\n\n\n\n{date}\n\n\n\n\n\nocp-date:{OcpDate}\n/{Account}/jobs\napi-version:2025-06-01.21.0";
        context.Request.Headers.Authorization = $"SharedKey {Account}:{OfficialBatchSharedKey.Signature(signedWithDate, Convert.FromBase64String(Key))}";
        var error = Assert.Throws<BatchRequestException>(() => Verifier().Verify(context));
        Assert.Equal(403, error.Status);
    }

    private static string Official(HttpContext context, string target, long? length) =>
        OfficialBatchSharedKey.StringToSign(context.Request.Method,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()),
            length, new Uri("http://127.0.0.1:5123" + target), Account);

    private static SharedKeyVerifier Verifier() => new(Account, Convert.FromBase64String(Key), clock: () => SigningTime);

    private static DefaultHttpContext Request(string method, string target, string? date, long? length)
    {
        var context = new DefaultHttpContext();
        var query = target.IndexOf('?');
        context.Request.Method = method;
        context.Request.Path = PathString.FromUriComponent(target[..query]);
        context.Request.QueryString = new QueryString(target[query..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        context.Request.Headers["ocp-date"] = OcpDate;
        if (date is not null) context.Request.Headers.Date = date;
        if (length is not null)
        {
            context.Request.ContentLength = length;
            context.Request.ContentType = "application/json; odata=minimalmetadata";
        }
        return context;
    }
}
