using Azure;
using Azure.Core;

namespace BatchWords.Batch;

/// <summary>
/// Teaches Azure.Core how to read a Batch error body, so RequestFailedException.ErrorCode is the Batch code
/// (PoolNotFound, TaskExists, …) and its message starts with the service's message text. The key/value
/// details (e.g. AuthenticationErrorDetail) become the exception's Data.
/// </summary>
internal sealed class BatchErrorDetailsParser : RequestFailedDetailsParser
{
    public static BatchErrorDetailsParser Shared { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        error = null;
        data = null;
        BinaryData content;
        try
        {
            content = response.Content;
        }
        catch (InvalidOperationException)
        {
            return false; // an unbuffered (streamed) body cannot be read here
        }

        var batchError = BatchError.TryParse(content);
        if (batchError is null) return false;

        error = new ResponseError(batchError.Code, batchError.Message?.Value ?? batchError.Code);
        if (batchError.Values is { Count: > 0 } values)
        {
            data = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var detail in values)
                if (detail.Key is not null) data[detail.Key] = detail.Value ?? string.Empty;
        }
        return true;
    }
}
