namespace BatchWords.Worker;

/// <summary>One line of the result: a word, how often it occurs, and the byte offset of its first occurrence.</summary>
/// <remarks>
/// A long word (longer than <see cref="WordCounterOptions.LongWordThreshold"/> bytes) is not held in memory: its
/// <see cref="Word"/> is null, <see cref="LongWordLength"/> is the length of its UTF-8 key, and
/// <see cref="WordKeyReader.CopyKey"/> reads it again from the input at <see cref="FirstPosition"/> to write it out.
/// </remarks>
public readonly record struct WordCount(string? Word, long Count, long FirstPosition)
{
    /// <summary>The UTF-8 length of a long word; 0 for a word that is held.</summary>
    public long LongWordLength { get; init; }
}
