using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Web;

namespace BatchWords.Tests.Shared;

/// <summary>
/// The reference for the Shared Key fidelity tests: the string-to-sign algorithm of the official .NET SDK's
/// BatchNamedKeyCredentialPolicy (Azure/azure-sdk-for-net, sdk/batch/Azure.Compute.Batch/src/Custom), step for
/// step, over plain inputs so both the client's and the emulator's tests can use it. What it does, and what the
/// project must match: the Date line is always empty (the policy always sends ocp-date); a "0" or unknown length
/// is an empty line; ocp-* headers lower-cased and sorted ordinally, values as sent; the query decoded by
/// HttpUtility.ParseQueryString (names grouped without regard to case, repeated values joined with commas in
/// the order sent), names sorted ordinally as sent and written lower-cased. Deliberately independent of the
/// project's code: do not "simplify" it into calls to it.
/// </summary>
public static class OfficialBatchSharedKey
{
    public static string StringToSign(string method, IReadOnlyDictionary<string, string> headers, long? contentLength,
        Uri uri, string account)
    {
        string Header(string name) =>
            headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? "";

        var length = contentLength?.ToString(CultureInfo.InvariantCulture) ?? "";
        var text = new StringBuilder();
        text.Append(method.ToUpperInvariant()).Append('\n');
        text.Append(Header("Content-Encoding")).Append('\n');
        text.Append(Header("Content-Language")).Append('\n');
        text.Append(length == "0" ? "" : length).Append('\n');
        text.Append(Header("Content-MD5")).Append('\n');
        text.Append(Header("Content-Type")).Append('\n');
        text.Append('\n'); // Date: never signed
        text.Append(Header("If-Modified-Since")).Append('\n');
        text.Append(Header("If-Match")).Append('\n');
        text.Append(Header("If-None-Match")).Append('\n');
        text.Append(Header("If-Unmodified-Since")).Append('\n');
        text.Append(Header("Range")).Append('\n');

        var ocp = headers.Where(h => h.Key.StartsWith("ocp-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), h.Value)).ToList();
        ocp.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, value) in ocp) text.Append(name).Append(':').Append(value).Append('\n');

        text.Append('/').Append(account).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        var collection = HttpUtility.ParseQueryString(uri.Query);
        var parameters = new Dictionary<string, string>();
        foreach (string key in collection.AllKeys) parameters.Add(key, collection[key]!);
        foreach (var name in parameters.Keys.OrderBy(k => k, StringComparer.Ordinal))
            text.Append('\n').Append(name.ToLowerInvariant()).Append(':').Append(parameters[name]);
        return text.ToString();
    }

    public static string Signature(string stringToSign, byte[] key) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
}
