using BatchWords.Batch;

namespace BatchWords;

/// <summary>
/// Pool, job and task ids starting with what the user typed, for Tab completion: one small page
/// ($select=id, startswith(id,'...'), at most <see cref="MaxResults"/>), so a large account still answers
/// quickly. The caller bounds the time (a completer must not hang the prompt) and shows nothing on failure.
/// </summary>
public sealed class BatchIdCompletion
{
    /// <summary>At most this many ids are offered: more would not be read at a prompt anyway.</summary>
    public const int MaxResults = 50;

    private static readonly string[] IdOnly = { "id" };
    private readonly BatchClient _client;

    public BatchIdCompletion(BwContext context) => _client = BatchClientFactory.Create(context);

    public Task<IReadOnlyList<string>> GetPoolIdsAsync(string prefix, CancellationToken cancellationToken = default)
        => CollectAsync(prefix, filter => _client.GetPoolsAsync(MaxResults, filter, IdOnly, cancellationToken), p => p.Id, cancellationToken);

    public Task<IReadOnlyList<string>> GetJobIdsAsync(string prefix, CancellationToken cancellationToken = default)
        => CollectAsync(prefix, filter => _client.GetJobsAsync(MaxResults, filter, IdOnly, cancellationToken), j => j.Id, cancellationToken);

    /// <summary>The job's task ids; none when the job id is not a valid id (nothing to ask).</summary>
    public Task<IReadOnlyList<string>> GetTaskIdsAsync(string jobId, string prefix, CancellationToken cancellationToken = default)
    {
        if (!new IdListQuery { IdPrefix = jobId }.CanMatch || string.IsNullOrEmpty(jobId)) return Task.FromResult<IReadOnlyList<string>>(Array.Empty<string>());
        return CollectAsync(prefix, filter => _client.GetTasksAsync(jobId, MaxResults, filter, IdOnly, cancellationToken: cancellationToken), t => t.Id, cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> CollectAsync<T>(string prefix, Func<string?, IAsyncEnumerable<T>> list,
        Func<T, string?> idOf, CancellationToken cancellationToken)
    {
        var query = new IdListQuery { IdPrefix = prefix, MaxCount = MaxResults };
        var items = await BatchErrors.Guard("Listing ids for completion", prefix,
            () => query.CollectAsync(list(query.ServiceFilter), idOf, cancellationToken)).ConfigureAwait(false);
        return items.Select(idOf).OfType<string>().ToList();
    }
}
