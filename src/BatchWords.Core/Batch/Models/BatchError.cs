using System.Text.Json;
using Azure;
using BatchWords.Batch.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// The Batch error body: a top-level object (no odata.error wrapper) with a code, a language-tagged message
/// and key/value details. Also the per-task error of an add-task-collection result.
/// </summary>
public sealed class BatchError
{
    public string? Code { get; init; }
    public BatchErrorMessage? Message { get; init; }

    /// <summary>Details use key/value, unlike the name/value pairs elsewhere in the API.</summary>
    public IReadOnlyList<BatchErrorDetail>? Values { get; init; }

    /// <summary>
    /// The Batch error carried by a failed response (as Azure.Compute.Batch's BatchError.FromException), or
    /// null when the exception has no response or its body is not a Batch error.
    /// </summary>
    public static BatchError? FromException(RequestFailedException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var content = exception.GetRawResponse()?.Content;
        return content is null ? null : TryParse(content);
    }

    internal static BatchError? TryParse(BinaryData content)
    {
        if (content.ToMemory().IsEmpty) return null;
        try
        {
            var error = content.ToObjectFromJson<BatchError>(BatchJson.Options);
            return string.IsNullOrEmpty(error?.Code) ? null : error;
        }
        catch (JsonException)
        {
            return null; // a proxy's HTML page, a truncated body: not ours to interpret
        }
    }
}

/// <summary>An error message and its language.</summary>
public sealed class BatchErrorMessage
{
    public string? Lang { get; init; }

    /// <summary>The text; the service appends "\nRequestId:…\nTime:…".</summary>
    public string? Value { get; init; }
}

/// <summary>A key/value detail of a Batch error (e.g. AuthenticationErrorDetail).</summary>
public sealed class BatchErrorDetail
{
    public string? Key { get; init; }
    public string? Value { get; init; }
}
