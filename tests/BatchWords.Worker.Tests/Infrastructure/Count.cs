namespace BatchWords.Worker.Tests.Infrastructure;

/// <summary>Runs the worker's counter in process and shapes its result like the reference's.</summary>
public static class Count
{
    public static List<(string Word, long Count)> Top(byte[] file, WordRule rule = WordRule.Tutorial, int limit = int.MaxValue,
        int bufferSize = 1 << 20, int threads = 1, int maxRead = int.MaxValue, long chunkSize = 4L << 20)
    {
        var options = new WordCounterOptions { Rule = rule, BufferSize = bufferSize, Threads = threads, ChunkSize = chunkSize };
        return Top(file, options, limit, maxRead);
    }

    public static List<(string Word, long Count)> Top(string text, WordRule rule = WordRule.Tutorial, int limit = int.MaxValue,
        int bufferSize = 1 << 20, int threads = 1) =>
        Top(System.Text.Encoding.UTF8.GetBytes(text), rule, limit, bufferSize, threads);

    /// <summary>With any options; long words (not held by the table) are read back from the file, as the worker writes them.</summary>
    public static List<(string Word, long Count)> Top(byte[] file, WordCounterOptions options, int limit = int.MaxValue, int maxRead = int.MaxValue) =>
        TopCounts(file, options, limit, maxRead).Select(w => (w.Text, w.Count.Count)).ToList();

    /// <summary>The worker's result with each word's text, long words read back from the file.</summary>
    public static List<(string Text, WordCount Count)> TopCounts(byte[] file, WordCounterOptions options, int limit = int.MaxValue, int maxRead = int.MaxValue)
    {
        var source = new MemoryByteSource(file, maxRead);
        WordTable table = WordCounter.Count(source, options);
        WordKeyReader keys = WordKeyReader.Create(options.Rule, source, options.LongWordWindowSize);
        return table.Top(limit).Select(w => (w.Word ?? ReadLongWord(keys, w), w)).ToList();
    }

    public static string ReadLongWord(WordKeyReader keys, WordCount word)
    {
        using var bytes = new MemoryStream();
        keys.CopyKey(word.FirstPosition, word.LongWordLength, bytes);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }
}
