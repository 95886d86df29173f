// A scripted PSHost for the Pester suites, compiled by tests/TestSupport.ps1 with Add-Type
// (Invoke-ScriptedHost). Prompts, "What if:" text and Out-Default's formatted output go to the host, not to a
// stream, so the tests that check them run their script in a runspace with this host.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace BatchWords.Tests;

/// <summary>
/// A scripted PSHost. "What if:" text, confirmation prompts and Out-Default's formatted output go to the host,
/// not to a stream, so tests that check them need one. It records every line written to it (with the kind of
/// line), every progress record and every prompt, and answers PromptForChoice (ShouldProcess -Confirm,
/// ShouldContinue) from a queue of choice labels. A prompt with an empty queue, or a request to read input,
/// is recorded as unexpected and fails the test (Invoke-ScriptedHost in tests/TestSupport.ps1).
/// </summary>
public sealed class ScriptedHost : PSHost
{
    private readonly TestHostUserInterface _ui;

    public ScriptedHost(int width = 160) => _ui = new TestHostUserInterface(width);

    public override string Name => "BatchWords.TestHost";
    public override Version Version { get; } = new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.GetCultureInfo("en-US");
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException("The scripted host has no nested prompt.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("The scripted host has no nested prompt.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    /// <summary>The recording user interface.</summary>
    public TestHostUserInterface Recorder => _ui;

    /// <summary>Queues answers for the next prompts, by choice label without '&amp;' ("Yes", "No", "Yes to All", "No to All").</summary>
    public ScriptedHost Answer(params string[] labels)
    {
        foreach (var label in labels) _ui.Answers.Enqueue(label);
        return this;
    }
}

/// <summary>One line the host was asked to write, and through which method.</summary>
public enum HostLineKind { Output, Error, Warning, Verbose, Debug, Information }

public sealed record HostLine(HostLineKind Kind, string Text);

/// <summary>A prompt the engine showed: caption, message, the choice labels, and the label answered (null: unexpected).</summary>
public sealed record HostPrompt(string Caption, string Message, IReadOnlyList<string> Choices, string? Answer);

public sealed class TestHostUserInterface : PSHostUserInterface
{
    private readonly object _gate = new();
    private readonly List<HostLine> _lines = new();
    private readonly List<HostPrompt> _prompts = new();
    private readonly List<ProgressRecord> _progress = new();
    private readonly List<string> _unexpected = new();
    private readonly StringBuilder _partial = new();
    private readonly TestRawUserInterface _raw;

    public TestHostUserInterface(int width) => _raw = new TestRawUserInterface(width);

    internal Queue<string> Answers { get; } = new();

    public override PSHostRawUserInterface RawUI => _raw;

    /// <summary>No ANSI: tests compare plain text (the session also sets $PSStyle.OutputRendering = 'PlainText').</summary>
    public override bool SupportsVirtualTerminal => false;

    /// <summary>Everything recorded so far, in order; a <see cref="Mark"/> selects what one run added.</summary>
    public HostMark Mark()
    {
        lock (_gate) return new HostMark(_lines.Count, _prompts.Count, _progress.Count, _unexpected.Count);
    }

    public IReadOnlyList<HostLine> LinesSince(HostMark mark) { lock (_gate) { FlushPartial(); return _lines.Skip(mark.Lines).ToList(); } }
    public IReadOnlyList<HostPrompt> PromptsSince(HostMark mark) { lock (_gate) return _prompts.Skip(mark.Prompts).ToList(); }
    public IReadOnlyList<ProgressRecord> ProgressSince(HostMark mark) { lock (_gate) return _progress.Skip(mark.Progress).ToList(); }
    public IReadOnlyList<string> UnexpectedSince(HostMark mark) { lock (_gate) return _unexpected.Skip(mark.Unexpected).ToList(); }

    /// <summary>Answers not used by the prompts that came (a test expected a prompt that never came).</summary>
    public IReadOnlyList<string> UnusedAnswers() { lock (_gate) return Answers.ToList(); }

    public void ClearAnswers() { lock (_gate) Answers.Clear(); }

    // As pwsh's console host does, text goes through GetOutputString, which honours $PSStyle.OutputRendering
    // (the session sets PlainText) and strips the table headers' ANSI decoration.
    public override void Write(string value) { lock (_gate) Append(GetOutputString(value, SupportsVirtualTerminal)); }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
    public override void WriteLine(string value) { lock (_gate) { Append(GetOutputString(value, SupportsVirtualTerminal)); FlushPartial(force: true); } }
    public override void WriteErrorLine(string value) => Add(HostLineKind.Error, value);
    public override void WriteWarningLine(string message) => Add(HostLineKind.Warning, message);
    public override void WriteVerboseLine(string message) => Add(HostLineKind.Verbose, message);
    public override void WriteDebugLine(string message) => Add(HostLineKind.Debug, message);
    public override void WriteInformation(InformationRecord record) => Add(HostLineKind.Information, record.MessageData?.ToString() ?? string.Empty);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        lock (_gate) _progress.Add(Copy(record));
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        var labels = choices.Select(c => c.Label.Replace("&", string.Empty, StringComparison.Ordinal)).ToList();
        lock (_gate)
        {
            if (!Answers.TryDequeue(out var answer))
            {
                _prompts.Add(new HostPrompt(caption, message, labels, null));
                throw Unexpected($"Unexpected prompt (no answer queued): {caption}: {message} [{string.Join(", ", labels)}]");
            }
            var index = labels.FindIndex(l => string.Equals(l, answer, StringComparison.OrdinalIgnoreCase));
            _prompts.Add(new HostPrompt(caption, message, labels, answer));
            if (index < 0) throw Unexpected($"The queued answer '{answer}' is not a choice of the prompt '{message}' [{string.Join(", ", labels)}].");
            return index;
        }
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        => throw Unexpected($"Unexpected Prompt for fields {string.Join(", ", descriptions.Select(d => d.Name))}: {caption}: {message}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName)
        => throw Unexpected($"Unexpected credential prompt: {caption}: {message}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
        => throw Unexpected($"Unexpected credential prompt: {caption}: {message}");

    public override string ReadLine() => throw Unexpected("Unexpected ReadLine: the scripted host has no input.");
    public override SecureString ReadLineAsSecureString() => throw Unexpected("Unexpected ReadLineAsSecureString: the scripted host has no input.");

    private PSInvalidOperationException Unexpected(string message)
    {
        lock (_gate) _unexpected.Add(message);
        return new PSInvalidOperationException(message);
    }

    private void Add(HostLineKind kind, string text)
    {
        lock (_gate)
        {
            FlushPartial();
            _lines.Add(new HostLine(kind, text));
        }
    }

    private void Append(string value)
    {
        // Out-Default writes a table as Write(...) pieces and newlines; keep one recorded line per text line.
        var parts = value.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) FlushPartial(force: true);
            _partial.Append(parts[i]);
        }
    }

    private void FlushPartial(bool force = false)
    {
        if (_partial.Length == 0 && !force) return;
        _lines.Add(new HostLine(HostLineKind.Output, _partial.ToString()));
        _partial.Clear();
    }

    private static ProgressRecord Copy(ProgressRecord r) => new(r.ActivityId, r.Activity, r.StatusDescription)
    {
        CurrentOperation = r.CurrentOperation,
        ParentActivityId = r.ParentActivityId,
        PercentComplete = r.PercentComplete,
        RecordType = r.RecordType,
        SecondsRemaining = r.SecondsRemaining,
    };
}

/// <summary>Positions in the recordings, so one run's share can be picked out.</summary>
public readonly record struct HostMark(int Lines, int Prompts, int Progress, int Unexpected);

/// <summary>A fixed-width console (160 columns unless told: wide enough that table views are not truncated).</summary>
public sealed class TestRawUserInterface : PSHostRawUserInterface
{
    public TestRawUserInterface(int width)
    {
        BufferSize = new(width, 9999);
        WindowSize = new(width, 50);
        MaxPhysicalWindowSize = new(width, 50);
        MaxWindowSize = new(width, 50);
    }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get; set; }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 1;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize { get; }
    public override Size MaxWindowSize { get; }
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; }
    public override string WindowTitle { get; set; } = "BatchWords tests";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("The scripted host has no screen buffer.");
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new PSInvalidOperationException("Unexpected ReadKey: the scripted host has no input.");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
