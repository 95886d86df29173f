namespace BatchWords.Worker;

/// <summary>
/// Cuts a stream of UTF-8 bytes into words for one <see cref="WordRule"/> and counts them in a <see cref="WordTable"/>.
/// The reader hands it one buffer at a time; a word or a multi-byte character that runs past the end of a buffer is
/// left for the next call, so buffer boundaries never change the result.
/// </summary>
public abstract class WordScanner
{
    /// <summary>
    /// Bytes a buffer must have beyond its data: the scanner loads whole 64-byte blocks and ignores what lies past the data.
    /// </summary>
    public const int Padding = 64;

    /// <summary>
    /// Counts every word that ends inside <c>buffer[0..length)</c>. Returns how many leading bytes are done with: the
    /// rest (an unfinished word, or the start of a character not yet complete) must be passed again, followed by more
    /// data, on the next call. With <paramref name="isFinal"/> the data ends here and everything is consumed.
    /// </summary>
    /// <param name="buffer">The data, followed by at least <see cref="Padding"/> more bytes of any content.</param>
    /// <param name="length">How many bytes of <paramref name="buffer"/> are data.</param>
    /// <param name="bufferPosition">The file offset of <c>buffer[0]</c>; words are recorded at their file offsets.</param>
    /// <param name="isFinal">No data follows this buffer in the range being counted.</param>
    /// <param name="table">Where the words are counted.</param>
    public abstract int Scan(byte[] buffer, int length, long bufferPosition, bool isFinal, WordTable table);

    public static WordScanner Create(WordRule rule) => rule switch
    {
        WordRule.Tutorial => new TutorialWordScanner(),
        WordRule.Letters => new LettersWordScanner(),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown word rule."),
    };
}
