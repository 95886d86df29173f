using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace BatchWords.ScriptHost;

/// <summary>The PSHost: identity, culture and the exit request (<c>exit N</c> calls SetShouldExit).</summary>
internal sealed class ConsoleHost : PSHost
{
    private readonly ConsoleHostUserInterface _ui = new();
    public bool ShouldExit { get; private set; }
    public int ExitCode { get; private set; }

    public override string Name => "BatchWords.ScriptHost";
    public override Version Version => typeof(ConsoleHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) { ShouldExit = true; ExitCode = exitCode; }
    public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

/// <summary>
/// Console rendering of the host streams. Progress goes to stderr and only when stderr is a terminal, so
/// logs in CI stay readable; prompts read stdin and take the default choice when stdin is closed.
/// </summary>
internal sealed class ConsoleHostUserInterface : PSHostUserInterface, IHostUISupportsMultipleChoiceSelection
{
    private readonly ConsoleRawUserInterface _raw = new();
    private readonly object _gate = new();
    public override PSHostRawUserInterface RawUI => _raw;
    public override bool SupportsVirtualTerminal => !Console.IsOutputRedirected;

    public override string ReadLine() => Console.ReadLine() ?? string.Empty;
    public override SecureString ReadLineAsSecureString()
    {
        var s = new SecureString();
        foreach (var c in ReadLine()) s.AppendChar(c);
        s.MakeReadOnly();
        return s;
    }

    // GetOutputString honours $PSStyle.OutputRendering: setting PlainText alone does not strip the ANSI
    // decoration the formatter puts on table headers; the host has to ask, as pwsh's console host does.
    public override void Write(string value) { lock (_gate) Console.Out.Write(GetOutputString(value, SupportsVirtualTerminal)); }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
    public override void WriteLine(string value) { lock (_gate) Console.Out.WriteLine(GetOutputString(value, SupportsVirtualTerminal)); }
    public override void WriteErrorLine(string value) => Err(value, "\u001b[31m");
    public override void WriteDebugLine(string message) => Err("DEBUG: " + message, "\u001b[33m");
    public override void WriteVerboseLine(string message) => Err("VERBOSE: " + message, "\u001b[33m");
    public override void WriteWarningLine(string message) => Err("WARNING: " + message, "\u001b[33m");
    public override void WriteInformation(InformationRecord record) { }

    private string? _lastProgress;
    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        if (Console.IsErrorRedirected) return;
        var line = record.RecordType == ProgressRecordType.Completed
            ? string.Empty
            : $"{record.Activity}: {record.StatusDescription}{(record.PercentComplete >= 0 ? $" ({record.PercentComplete}%)" : "")}";
        if (line == _lastProgress) return;
        _lastProgress = line;
        lock (_gate) Console.Error.Write("\r\u001b[2K" + (line.Length > 118 ? line[..118] : line));
    }

    private void Err(string text, string color)
    {
        lock (_gate)
        {
            if (Console.IsErrorRedirected) Console.Error.WriteLine(text);
            else Console.Error.WriteLine(color + text + "\u001b[0m");
        }
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
        var result = new Dictionary<string, PSObject>();
        foreach (var d in descriptions)
        {
            Write(d.Name + ": ");
            result[d.Name] = PSObject.AsPSObject(ReadLine());
        }
        return result;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        var picked = PromptForChoice(caption, message, choices, defaultChoice < 0 ? Array.Empty<int>() : new[] { defaultChoice });
        return picked.Count > 0 ? picked[0] : defaultChoice;
    }

    public Collection<int> PromptForChoice(string? caption, string? message, Collection<ChoiceDescription> choices, IEnumerable<int>? defaultChoices)
    {
        var defaults = new Collection<int>((defaultChoices ?? Array.Empty<int>()).ToList());
        if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
        var hotkeys = choices.Select(c => Hotkey(c.Label)).ToList();
        while (true)
        {
            var menu = string.Join(" ", choices.Select((c, i) => $"[{hotkeys[i]}] {c.Label.Replace("&", "")}"));
            Write(menu + (defaults.Count > 0 ? $" (default is \"{hotkeys[defaults[0]]}\"): " : ": "));
            var line = Console.ReadLine();
            if (line is null) return defaults;
            line = line.Trim();
            if (line.Length == 0) return defaults;
            var index = hotkeys.FindIndex(h => string.Equals(h, line, StringComparison.OrdinalIgnoreCase));
            if (index < 0) index = choices.ToList().FindIndex(c => string.Equals(c.Label.Replace("&", ""), line, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) return new Collection<int> { index };
        }
    }

    private static string Hotkey(string label)
    {
        var amp = label.IndexOf('&');
        return amp >= 0 && amp + 1 < label.Length ? label[amp + 1].ToString().ToUpperInvariant() : label[..1].ToUpperInvariant();
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName)
        => PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        if (string.IsNullOrEmpty(userName)) { Write("User: "); userName = ReadLine(); }
        Write("Password for " + userName + ": ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }
}

/// <summary>The raw console: only what the engine's formatter asks for (buffer width and colours).</summary>
internal sealed class ConsoleRawUserInterface : PSHostRawUserInterface
{
    private static int Width => Console.IsOutputRedirected ? 160 : Math.Max(40, SafeWidth());
    private static int SafeWidth() { try { return Console.WindowWidth; } catch (IOException) { return 120; } }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get => new(Width, 9001); set { } }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 25;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(Width, 100);
    public override Size MaxWindowSize => new(Width, 100);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get => new(Width, 100); set { } }
    public override string WindowTitle { get; set; } = "bwsh";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("ReadKey is not supported by this host.");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
