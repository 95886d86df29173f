namespace BatchWords.Worker.Tests.Infrastructure;

/// <summary>Runs the worker's counter in process and shapes its result like the reference's.</summary>
public static class Count
{
    public static List<(string Word, long Count)> Top(byte[] file, WordRule rule = WordRule.Tutorial, int limit = int.MaxValue,
        int bufferSize = 1 << 20, int threads = 1, int maxRead = int.MaxValue, long chunkSize = 4L << 20)
    {
        var options = new WordCounterOptions { Rule = rule, BufferSize = bufferSize, Threads = threads, ChunkSize = chunkSize };
        WordTable table = WordCounter.Count(new MemoryByteSource(file, maxRead), options);
        return table.Top(limit).Select(w => (w.Word, w.Count)).ToList();
    }

    public static List<(string Word, long Count)> Top(string text, WordRule rule = WordRule.Tutorial, int limit = int.MaxValue,
        int bufferSize = 1 << 20, int threads = 1) =>
        Top(System.Text.Encoding.UTF8.GetBytes(text), rule, limit, bufferSize, threads);
}
