namespace BatchWords;

/// <summary>
/// The command lines BatchWords gives Batch. Batch runs a command line without a shell (no $VAR expansion),
/// so each one is wrapped in /bin/sh -c '...' to reach $AZ_BATCH_NODE_SHARED_DIR, the way the tutorial's
/// wrap_commands_in_shell does. File names are restricted to characters that need no escaping inside
/// double quotes, so the same string works with the real node agent and the emulator's tokenizer.
/// </summary>
public static class TaskCommandLine
{
    private const string Unsafe = "'\"\\$`*?[]\n\r\t";

    /// <summary>The worker's output name, as the tutorial names it: taskdata1.txt -> taskdata1_OUTPUT.txt.</summary>
    public static string OutputNameFor(string inputName)
    {
        var ext = Path.GetExtension(inputName);
        var stem = inputName[..^ext.Length];
        return $"{stem}_OUTPUT{ext}";
    }

    /// <summary>Fails with a clear error for a file name the command line could not carry safely.</summary>
    public static void ValidateFileName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(Unsafe.ToCharArray()) >= 0 || name.Contains('/'))
            throw new BwException(BwErrorKind.InvalidArgument, "UnsupportedFileName",
                $"The {what} name '{name}' contains a character a task command line cannot carry (quotes, backslash, $, `, wildcards, '/', control characters).",
                name, "Rename the file (letters, digits, spaces, '.', '-' and '_' are safe) and publish it again.");
    }

    /// <summary>
    /// The start task: check the downloaded program against the SHA-256 New-BwPool computed from the file it
    /// uploaded, and only then install it into the node's shared directory and make it executable. A blob
    /// replaced in the application container (anyone who can write there) then fails the start task with a
    /// message saying so, instead of running as the pool's admin user. sha256sum is in coreutils (every Linux
    /// image, and the machine that runs the local emulator). The copy goes to a temporary name and is renamed,
    /// so a task never runs a half-written program.
    /// </summary>
    public static string InstallProgram(string programName, string sha256)
    {
        ValidateFileName(programName, "program");
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            throw new ArgumentException($"'{sha256}' is not a SHA-256 in hex.", nameof(sha256));
        var hash = sha256.ToLowerInvariant();
        var target = $"\"$AZ_BATCH_NODE_SHARED_DIR/{programName}\"";
        var temporary = $"\"$AZ_BATCH_NODE_SHARED_DIR/.{programName}.installing\"";
        return "/bin/sh -c '"
            + $"if ! echo \"{hash}  {programName}\" | sha256sum -c --status -; then "
            + $"echo \"ProgramIntegrityCheckFailed: {programName} does not match the SHA-256 New-BwPool recorded ({hash}): the program blob was replaced after it was uploaded. It was not installed.\" >&2; exit 86; fi; "
            + $"set -e; cp \"{programName}\" {temporary}; chmod 0755 {temporary}; mv -f {temporary} {target}'";
    }

    /// <summary>The top-N task: the installed program on the input file, in the task's working directory.</summary>
    public static string RunTopWords(string programName, string inputName, int top, string rule)
    {
        ValidateFileName(programName, "program");
        ValidateFileName(inputName, "input file");
        return $"/bin/sh -c 'exec \"$AZ_BATCH_NODE_SHARED_DIR/{programName}\" --filepath \"{inputName}\" --numwords {top} --rule {rule}'";
    }
}
