using System.Text;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Splits a task command line the way the Linux node agent does (§8.3): POSIX word rules, as Python's shlex.split,
/// with no expansion of any kind. Single quotes keep everything literally; inside double quotes a backslash escapes
/// only $ ` " \ and newline; outside quotes a backslash escapes the next character and backslash-newline vanishes.
/// $VAR, globs, pipes and redirections stay literal text: a command that wants a shell names one (/bin/sh -c '…').
/// </summary>
public static class CommandLineTokenizer
{
    /// <exception cref="FormatException">A quote is not closed, or the line ends in a lone backslash.</exception>
    public static List<string> Split(string commandLine)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < commandLine.Length)
        {
            var c = commandLine[i];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                i++;
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\'':
                {
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0) throw new FormatException($"The single quote at position {i} is not closed.");
                    current.Append(commandLine, i + 1, close - i - 1);
                    i = close + 1;
                    break;
                }
                case '"':
                {
                    var start = i;
                    i++;
                    while (true)
                    {
                        if (i >= commandLine.Length) throw new FormatException($"The double quote at position {start} is not closed.");
                        var d = commandLine[i];
                        if (d == '"') { i++; break; }
                        if (d == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '$' or '`' or '"' or '\\' or '\n')
                        {
                            if (commandLine[i + 1] != '\n') current.Append(commandLine[i + 1]);
                            i += 2;
                            continue;
                        }
                        current.Append(d);
                        i++;
                    }
                    break;
                }
                case '\\':
                    if (i + 1 >= commandLine.Length) throw new FormatException("The command line ends with a lone backslash.");
                    if (commandLine[i + 1] != '\n') current.Append(commandLine[i + 1]);
                    else if (current.Length == 0) inWord = false; // a line continuation between words
                    i += 2;
                    break;
                default:
                    current.Append(c);
                    i++;
                    break;
            }
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }
}
