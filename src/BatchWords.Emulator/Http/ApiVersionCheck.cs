using System.Net;
using Microsoft.AspNetCore.Http;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Every Batch request names its api-version (§1). Missing: 400 MissingRequiredQueryParameter, as observed on
/// Azure. A version the emulator does not speak: 400 UnsupportedRequestVersion. Every generally-available data-plane
/// version from 2022-01-01.15.0 on is accepted, as the real service still accepts its older GA versions: official
/// SDKs pin one (the JavaScript @azure/batch 10.x sends 2022-10-01.16.0) and a user pointing one at the emulator
/// must not be refused for it. The emulator answers every version alike (the operations it implements have the
/// same shape in all of them). The short "2025-06-01" is accepted because the TypeSpec-generated SDKs send it.
/// </summary>
public sealed class ApiVersionCheck
{
    public static readonly IReadOnlySet<string> Supported =
        new HashSet<string>(StringComparer.Ordinal)
        {
            "2022-01-01.15.0", "2022-10-01.16.0", "2023-05-01.17.0", "2023-11-01.18.0", "2024-02-01.19.0",
            "2024-07-01.20.0", "2025-06-01.21.0", "2025-06-01",
        };

    private readonly RequestDelegate _next;

    public ApiVersionCheck(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        var values = context.Request.Query["api-version"];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
            throw new BatchRequestException(HttpStatusCode.BadRequest, "MissingRequiredQueryParameter",
                "A query parameter that's mandatory for this request is not specified.", ("QueryParameterName", "api-version"));
        if (values.Count > 1 || !Supported.Contains(values[0]!))
            throw new BatchRequestException(HttpStatusCode.BadRequest, "UnsupportedRequestVersion",
                "The specified api-version is not supported by the BatchWords emulator.",
                ("QueryParameterName", "api-version"), ("QueryParameterValue", values.ToString()),
                ("Reason", "Supported versions: " + string.Join(", ", Supported)));
        return _next(context);
    }
}
