using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Tells a pool or job that this very call created from one somebody else created. When the answer to a create is
/// lost (the connection dropped after the service made the change), the pipeline retries it and meets 409
/// PoolExists/JobExists: without the token the call would fail, or take its own new pool for another one's.
/// A new token per create call travels as metadata; on 409 the entity is read, and the token says whose it is.
/// </summary>
internal static class CreationToken
{
    public const string MetadataName = "batchwords-creation";

    public static string New() => Guid.NewGuid().ToString("N");

    public static MetadataItem Item(string token) => new(MetadataName, token);

    public static bool IsOurs(IEnumerable<MetadataItem>? metadata, string token) =>
        metadata?.Any(m => m.Name == MetadataName && m.Value == token) == true;
}
