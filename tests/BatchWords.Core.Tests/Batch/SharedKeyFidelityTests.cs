using System.Text;
using Azure.Core;
using BatchWords.Batch;
using BatchWords.Tests.Shared;
using Xunit;

namespace BatchWords.Core.Tests.Batch;

/// <summary>
/// Issue 12, findings 10 and 11: the client signs every request shape exactly as the official .NET SDK's policy
/// does (the reference in tests/Shared), including the shapes where the project used to differ: a Date header
/// next to ocp-date, a repeated parameter, capitalised parameter names.
/// </summary>
public class SharedKeyFidelityTests
{
    private static readonly DateTimeOffset SigningTime = new(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = Convert.FromBase64String(TestBatchClients.Key);
    private const string Endpoint = "https://myaccount.eastus.batch.azure.com";

    public static TheoryData<string, string, string?, string?> Shapes()
    {
        var data = new TheoryData<string, string, string?, string?>();
        foreach (var (method, target, date, body) in SharedKeyRequestShapes.All) data.Add(method, target, date, body);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_client_signs_as_the_official_policy(string method, string target, string? date, string? body)
    {
        var request = new ScriptedTransport(_ => throw new InvalidOperationException()).CreateRequest();
        request.Method = RequestMethod.Parse(method);
        request.Uri.Reset(new Uri(Endpoint + target));
        if (date is not null) request.Headers.SetValue("Date", date);
        if (body is not null)
        {
            request.Headers.SetValue("Content-Type", "application/json; odata=minimalmetadata");
            request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body));
        }

        var signed = BatchSharedKeyPolicy.Sign(request, SigningTime, "myaccount", Key);

        var headers = request.Headers.Where(h => h.Name != "Authorization").ToDictionary(h => h.Name, h => h.Value);
        long? length = request.Content is not null && request.Content.TryComputeLength(out var n) ? n : null;
        var expected = OfficialBatchSharedKey.StringToSign(method, headers, length, request.Uri.ToUri(), "myaccount");
        Assert.Equal(expected, signed.StringToSign);
        Assert.Equal(OfficialBatchSharedKey.Signature(expected, Key), signed.Signature);
    }

    [Fact]
    public void A_Date_header_is_not_signed_when_ocp_date_is_set()
    {
        var request = new ScriptedTransport(_ => throw new InvalidOperationException()).CreateRequest();
        request.Method = RequestMethod.Get;
        request.Uri.Reset(new Uri(Endpoint + "/jobs?api-version=2025-06-01.21.0"));
        request.Headers.SetValue("Date", "Wed, 02 Jul 2025 08:00:00 GMT");

        var signed = BatchSharedKeyPolicy.Sign(request, SigningTime, "myaccount", Key);

        Assert.Equal("GET\n\n\n\n\n\n\n\n\n\n\n\nocp-date:Tue, 01 Jul 2025 12:00:00 GMT\n/myaccount/jobs\napi-version:2025-06-01.21.0",
            signed.StringToSign);
    }

    [Fact]
    public void Repeated_and_capitalised_parameters_are_signed_in_the_official_order()
    {
        var request = new ScriptedTransport(_ => throw new InvalidOperationException()).CreateRequest();
        request.Method = RequestMethod.Get;
        request.Uri.Reset(new Uri(Endpoint + "/jobs?api-version=2025-06-01.21.0&Timeout=30&b=2&b=1"));

        var signed = BatchSharedKeyPolicy.Sign(request, SigningTime, "myaccount", Key);

        // "Timeout" sorts before the lower-case names as sent; the values of b stay in the order sent.
        Assert.EndsWith("/myaccount/jobs\ntimeout:30\napi-version:2025-06-01.21.0\nb:2,1", signed.StringToSign);
    }
}
