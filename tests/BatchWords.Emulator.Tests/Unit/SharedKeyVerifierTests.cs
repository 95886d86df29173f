using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BatchWords.Emulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

/// <summary>The three worked vectors of batch-rest-api.md §7.1, through the string builder and the verifier.</summary>
public class SharedKeyVerifierTests
{
    private const string Key = "bG9jYWwtZW11bGF0b3ItZGVtby1rZXktMzJieXRlcyE=";
    private const string Account = "myaccount";
    private const string OcpDate = "Tue, 01 Jul 2025 12:00:00 GMT";
    private static readonly DateTimeOffset SigningTime = DateTimeOffset.Parse("2025-07-01T12:00:00Z", CultureInfo.InvariantCulture);

    public static TheoryData<string, string, string?, string, string, string> Vectors => new()
    {
        {
            "GET", "/jobs/job-1/tasks?api-version=2025-06-01.21.0&maxresults=100&%24filter=state%20eq%20%27completed%27", null, "",
            "GET\n\n\n\n\n\n\n\n\n\n\n\nocp-date:Tue, 01 Jul 2025 12:00:00 GMT\n/myaccount/jobs/job-1/tasks\n$filter:state eq 'completed'\napi-version:2025-06-01.21.0\nmaxresults:100",
            "Le9kgZX2nVjhwrRavCAKLvZkdHXxABSt+dg9h9SRyco="
        },
        {
            "POST", "/jobs/job-1/tasks?api-version=2025-06-01.21.0", "application/json; odata=minimalmetadata", "52",
            "POST\n\n\n52\n\napplication/json; odata=minimalmetadata\n\n\n\n\n\n\nocp-date:Tue, 01 Jul 2025 12:00:00 GMT\n/myaccount/jobs/job-1/tasks\napi-version:2025-06-01.21.0",
            "bCJegTYY339LZhHqWFUppSf2lm9L+XuBAuFBdISp7+A="
        },
        {
            "POST", "/jobs/job-1/tasks/task-1/terminate?api-version=2025-06-01.21.0", null, "",
            "POST\n\n\n\n\n\n\n\n\n\n\n\nocp-date:Tue, 01 Jul 2025 12:00:00 GMT\n/myaccount/jobs/job-1/tasks/task-1/terminate\napi-version:2025-06-01.21.0",
            "U+d9y+RAQpflnX0O+fiP0NDCn5/KdokRx/THNp4gUT0="
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Builds_the_documented_string_to_sign_and_signature(string method, string target, string? contentType, string length,
        string expectedStringToSign, string expectedSignature)
    {
        var context = Request(method, target, contentType, length, signature: null);
        var stringToSign = Verifier().StringToSign(context, length);
        Assert.Equal(expectedStringToSign, stringToSign);
        Assert.Equal(expectedSignature, Sign(stringToSign));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Accepts_the_documented_signature(string method, string target, string? contentType, string length, string _, string signature)
    {
        Verifier().Verify(Request(method, target, contentType, length, signature));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    public void Accepts_either_form_of_a_zero_content_length(string sentLength)
    {
        // Vector 3 signed with the "0" line instead of the empty one (§7.1: the SDKs disagree; both work).
        var zeroLineSignature = "DcokKEPn27y6CxrMyz5P9ci9KG+vPJiKMv3ed/1XgkA=";
        foreach (var signature in new[] { "U+d9y+RAQpflnX0O+fiP0NDCn5/KdokRx/THNp4gUT0=", zeroLineSignature })
            Verifier().Verify(Request("POST", "/jobs/job-1/tasks/task-1/terminate?api-version=2025-06-01.21.0", null, sentLength, signature));
    }

    [Fact]
    public void Rejects_a_wrong_signature_with_the_string_to_sign_in_the_details()
    {
        var context = Request("GET", "/jobs?api-version=2025-06-01.21.0", null, "", Convert.ToBase64String(new byte[32]));
        var error = Assert.Throws<BatchRequestException>(() => Verifier().Verify(context));
        Assert.Equal(403, error.Status);
        Assert.Equal("AuthenticationFailed", error.Code);
        var detail = Assert.Single(error.Values, v => v.Key == "AuthenticationErrorDetail").Value;
        Assert.Contains("Server used following string to sign: 'GET\n", detail);
        Assert.Contains("/myaccount/jobs\napi-version:2025-06-01.21.0", detail);
    }

    [Fact]
    public void Rejects_a_date_more_than_15_minutes_away()
    {
        var late = new SharedKeyVerifier(Account, Convert.FromBase64String(Key), clock: () => SigningTime.AddMinutes(16));
        var context = Request("POST", "/jobs/job-1/tasks/task-1/terminate?api-version=2025-06-01.21.0", null, "", "U+d9y+RAQpflnX0O+fiP0NDCn5/KdokRx/THNp4gUT0=");
        var error = Assert.Throws<BatchRequestException>(() => late.Verify(context));
        Assert.Equal(403, error.Status);
    }

    [Fact]
    public void Rejects_another_account_and_a_missing_header()
    {
        var context = Request("GET", "/jobs?api-version=2025-06-01.21.0", null, "", null);
        context.Request.Headers.Authorization = "SharedKey otheraccount:abc=";
        Assert.Equal(403, Assert.Throws<BatchRequestException>(() => Verifier().Verify(context)).Status);
        context.Request.Headers.Remove("Authorization");
        Assert.Equal(401, Assert.Throws<BatchRequestException>(() => Verifier().Verify(context)).Status);
    }

    [Fact]
    public void Bearer_tokens_pass_only_when_configured()
    {
        var context = Request("GET", "/jobs?api-version=2025-06-01.21.0", null, "", null);
        context.Request.Headers.Authorization = "Bearer secret-token";
        Assert.Equal(403, Assert.Throws<BatchRequestException>(() => Verifier().Verify(context)).Status);
        new SharedKeyVerifier(Account, Convert.FromBase64String(Key), bearerToken: "secret-token", clock: () => SigningTime).Verify(context);
    }

    private static SharedKeyVerifier Verifier() => new(Account, Convert.FromBase64String(Key), clock: () => SigningTime);

    private static string Sign(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(Key), Encoding.UTF8.GetBytes(stringToSign)));

    private static DefaultHttpContext Request(string method, string target, string? contentType, string length, string? signature)
    {
        var context = new DefaultHttpContext();
        var query = target.IndexOf('?');
        context.Request.Method = method;
        context.Request.Path = target[..query];
        context.Request.QueryString = new QueryString(target[query..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        context.Request.Headers["ocp-date"] = OcpDate;
        if (contentType is not null) context.Request.ContentType = contentType;
        if (length.Length > 0) context.Request.ContentLength = long.Parse(length, CultureInfo.InvariantCulture);
        if (signature is not null) context.Request.Headers.Authorization = $"SharedKey {Account}:{signature}";
        return context;
    }
}
