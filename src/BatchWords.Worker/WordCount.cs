namespace BatchWords.Worker;

/// <summary>One line of the result: a word, how often it occurs, and the byte offset of its first occurrence.</summary>
public readonly record struct WordCount(string Word, long Count, long FirstPosition);
