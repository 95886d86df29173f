namespace BatchWords.Worker;

/// <summary>
/// The worker's exit codes. A Batch task is judged by its exit code (the tutorial's client ignored it; ours does not),
/// so every failure a user can fix has its own code, and each comes with one line on stderr.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bug or an environment failure nobody planned for; the message says what was thrown.</summary>
    public const int InternalError = 1;

    /// <summary>The command line is wrong (missing, unknown, repeated or malformed option). 2 as in argparse.</summary>
    public const int BadArguments = 2;

    /// <summary>The input file does not exist, is a directory, or cannot be opened or read to the end.</summary>
    public const int InputUnavailable = 3;

    /// <summary>The output file cannot be created or written.</summary>
    public const int OutputUnwritable = 4;
}
