namespace BatchWords.Batch;

/// <summary>The body of POST /jobs/{id}/addtaskcollection: at most 100 tasks, serialized under 1 MiB.</summary>
public sealed class BatchTaskGroup
{
    public BatchTaskGroup(IEnumerable<BatchTaskCreateOptions> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value.ToList();
    }

    public IList<BatchTaskCreateOptions> Value { get; }
}
