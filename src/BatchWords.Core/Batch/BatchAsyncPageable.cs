using System.Runtime.CompilerServices;
using Azure;

namespace BatchWords.Batch;

/// <summary>
/// Follows odata.nextLink until it is absent. An empty page that still has a nextLink is not the end (the
/// service returns those), so the loop never stops on an empty page. The continuation token is the nextLink,
/// so AsPages(token) resumes where an earlier enumeration stopped.
/// </summary>
internal sealed class BatchAsyncPageable<T> : AsyncPageable<T> where T : notnull
{
    private readonly Func<string?, CancellationToken, ValueTask<Page<T>>> _getPage;

    public BatchAsyncPageable(Func<string?, CancellationToken, ValueTask<Page<T>>> getPage, CancellationToken cancellationToken)
        : base(cancellationToken) => _getPage = getPage;

    public override IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null) =>
        EnumeratePages(continuationToken, CancellationToken);

    private async IAsyncEnumerable<Page<T>> EnumeratePages(string? continuationToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = continuationToken;
        do
        {
            var page = await _getPage(next, cancellationToken).ConfigureAwait(false);
            yield return page;
            next = page.ContinuationToken;
        }
        while (next is not null);
    }
}
