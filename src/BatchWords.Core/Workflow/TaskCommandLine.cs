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

    /// <summary>The start task: copy the program from its working directory into the node's shared directory.</summary>
    public static string InstallProgram(string programName)
    {
        ValidateFileName(programName, "program");
        return $"/bin/sh -c 'set -e; cp -p \"{programName}\" \"$AZ_BATCH_NODE_SHARED_DIR/{programName}\"; chmod 0755 \"$AZ_BATCH_NODE_SHARED_DIR/{programName}\"'";
    }

    /// <summary>The top-N task: the installed program on the input file, in the task's working directory.</summary>
    public static string RunTopWords(string programName, string inputName, int top, string rule)
    {
        ValidateFileName(programName, "program");
        ValidateFileName(inputName, "input file");
        return $"/bin/sh -c 'exec \"$AZ_BATCH_NODE_SHARED_DIR/{programName}\" --filepath \"{inputName}\" --numwords {top} --rule {rule}'";
    }
}
