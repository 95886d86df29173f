using System.Net;

namespace BatchWords.Emulator.Http;

/// <summary>
/// A request the emulator refuses, with the Batch error code and HTTP status the real service uses (§6.2).
/// Thrown anywhere below an endpoint and turned into the §6.1 error body by <see cref="BatchErrorWriter"/>, so no
/// handler has to build an error response itself.
/// </summary>
public sealed class BatchRequestException : Exception
{
    public BatchRequestException(HttpStatusCode status, string code, string message, params (string Key, string Value)[] values)
        : base(message)
    {
        Status = (int)status;
        Code = code;
        Values = values;
    }

    public int Status { get; }
    public string Code { get; }
    public IReadOnlyList<(string Key, string Value)> Values { get; }

    /// <summary>The WWW-Authenticate challenge a 401 carries (bearer authentication); null for none.</summary>
    public string? Challenge { get; init; }

    // The common refusals, named after their codes so call sites read like the spec's error table.

    public static BatchRequestException MissingProperty(string property) =>
        new(HttpStatusCode.BadRequest, "MissingRequiredProperty", "A required property was not specified in the request body.",
            ("PropertyName", property));

    public static BatchRequestException InvalidProperty(string property, string? value, string reason) =>
        new(HttpStatusCode.BadRequest, "InvalidPropertyValue", "The value provided for one of the properties in the request body is invalid.",
            ("PropertyName", property), ("PropertyValue", value ?? ""), ("Reason", reason));

    /// <summary>A feature the real service has but the emulator does not run; refused rather than silently ignored.</summary>
    public static BatchRequestException Unsupported(string property, string reason) =>
        new(HttpStatusCode.BadRequest, "UnsupportedProperty", "One of the properties specified in the request body is not supported.",
            ("PropertyName", property), ("Reason", reason));

    public static BatchRequestException InvalidQuery(string name, string? value, string reason) =>
        new(HttpStatusCode.BadRequest, "InvalidQueryParameterValue", "The value for one of the query parameters specified in the request URI is invalid.",
            ("QueryParameterName", name), ("QueryParameterValue", value ?? ""), ("Reason", reason));

    public static BatchRequestException InvalidBody(string reason) =>
        new(HttpStatusCode.BadRequest, "InvalidRequestBody", "The specified Request Body is not syntactically valid.", ("Reason", reason));

    public static BatchRequestException NotFound(string code, string message) => new(HttpStatusCode.NotFound, code, message);

    public static BatchRequestException Conflict(string code, string message) => new(HttpStatusCode.Conflict, code, message);

    public static BatchRequestException PoolBeingDeleted() =>
        Conflict("PoolBeingDeleted", "The specified pool has been marked for deletion and is being reclaimed.");

    public static BatchRequestException JobBeingDeleted() =>
        Conflict("JobBeingDeleted", "The specified job has been marked for deletion and is being reclaimed.");

    public static BatchRequestException BodyTooLarge(long maxBytes, string reason) =>
        new(HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge", "The request body is too large and exceeds the maximum permissible limit.",
            ("MaxLimit", maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Reason", reason));
}
