namespace BatchWords.Core.Tests.Infrastructure;

/// <summary>Collects a transfer's event stream so tests can assert on completions, failures and progress.</summary>
public static class TransferEventsExtensions
{
    public static async Task<List<TransferEvent>> CollectAsync(this IAsyncEnumerable<TransferEvent> events)
    {
        var list = new List<TransferEvent>();
        await foreach (var e in events) list.Add(e);
        return list;
    }

    public static List<BwInputFile> Uploaded(this IEnumerable<TransferEvent> events) => events.OfType<InputUploaded>().Select(e => e.File).ToList();
    public static List<FileInfo> Downloaded(this IEnumerable<TransferEvent> events) => events.OfType<OutputDownloaded>().Select(e => e.File).ToList();
    public static List<TransferFailed> Failures(this IEnumerable<TransferEvent> events) => events.OfType<TransferFailed>().ToList();
}
