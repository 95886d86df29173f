using System.Globalization;

namespace BatchWords.Emulator.Durability;

/// <summary>
/// The port the emulator last listened on, in &lt;data&gt;/state/port. A restarted emulator (after a crash or a kill)
/// asked for "any free port" takes that one again when it is free, so a client that is waiting on the emulator (its
/// endpoint fixed when it connected) reaches the new instance instead of a dead port.
/// </summary>
internal static class ListenPortMemory
{
    private static string PathOf(string dataDirectory) => Path.Combine(StateJournal.DirectoryOf(dataDirectory), "port");

    public static int? Read(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(PathOf(dataDirectory)).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public static void Write(string dataDirectory, int port)
    {
        try
        {
            Directory.CreateDirectory(StateJournal.DirectoryOf(dataDirectory));
            File.WriteAllText(PathOf(dataDirectory), port.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"BatchWords.Emulator: could not remember the port in {PathOf(dataDirectory)}: {e.Message}");
        }
    }
}
