using System.Management.Automation;
using System.Text;
using Xunit;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// What one <see cref="PowerShellSession.Run"/> produced: output objects, every stream, a terminating error,
/// and what reached the host (lines, "What if:" text, prompts, progress). The module's types live in its own
/// load context, so tests read them through the PSObject (<see cref="PSObjectExtensions"/>), by type name.
/// </summary>
public sealed class ScriptResult
{
    internal ScriptResult(string script, IReadOnlyList<PSObject> output, IReadOnlyList<ErrorRecord> errors,
        IReadOnlyList<WarningRecord> warnings, IReadOnlyList<VerboseRecord> verbose, IReadOnlyList<DebugRecord> debug,
        IReadOnlyList<InformationRecord> information, IReadOnlyList<ProgressRecord> progress, RuntimeException? terminating,
        bool hadErrors, IReadOnlyList<HostLine> hostLines, IReadOnlyList<HostPrompt> prompts, IReadOnlyList<ProgressRecord> hostProgress)
    {
        Script = script;
        Output = output;
        Errors = errors;
        Warnings = warnings;
        Verbose = verbose;
        Debug = debug;
        Information = information;
        Progress = progress;
        Terminating = terminating;
        HadErrors = hadErrors;
        HostLines = hostLines;
        Prompts = prompts;
        HostProgress = hostProgress;
    }

    public string Script { get; }
    public IReadOnlyList<PSObject> Output { get; }
    public IReadOnlyList<ErrorRecord> Errors { get; }
    public IReadOnlyList<WarningRecord> Warnings { get; }
    public IReadOnlyList<VerboseRecord> Verbose { get; }
    public IReadOnlyList<DebugRecord> Debug { get; }
    public IReadOnlyList<InformationRecord> Information { get; }
    public IReadOnlyList<ProgressRecord> Progress { get; }

    /// <summary>The error that stopped the whole pipeline (Invoke threw), if any.</summary>
    public RuntimeException? Terminating { get; }

    public bool HadErrors { get; }

    /// <summary>Every line the host was asked to write (output, error, warning, verbose...).</summary>
    public IReadOnlyList<HostLine> HostLines { get; }

    /// <summary>The prompts shown (ShouldProcess confirmation, ShouldContinue) and how they were answered.</summary>
    public IReadOnlyList<HostPrompt> Prompts { get; }

    /// <summary>Progress records as the host received them (the engine also forwards them to the stream).</summary>
    public IReadOnlyList<ProgressRecord> HostProgress { get; }

    /// <summary>The host's plain output lines (Out-Default's formatting and "What if:" text) joined by newlines.</summary>
    public string HostText => string.Join("\n", HostLines.Where(l => l.Kind == HostLineKind.Output).Select(l => l.Text));

    /// <summary>The "What if: ..." lines ShouldProcess wrote to the host under -WhatIf.</summary>
    public IReadOnlyList<string> WhatIf => HostLines.Where(l => l.Kind == HostLineKind.Output && l.Text.StartsWith("What if:", StringComparison.Ordinal))
        .Select(l => l.Text).ToList();

    public IReadOnlyList<string> VerboseMessages => Verbose.Select(v => v.Message).ToList();

    /// <summary>Output objects whose type (base object) has this full name, e.g. "BatchWords.BwContainer".</summary>
    public IReadOnlyList<PSObject> OutputOfType(string fullName) => Output.Where(o => o.BaseObject.GetType().FullName == fullName).ToList();

    /// <summary>Fails, showing every stream, unless the run wrote no error and was not stopped.</summary>
    public ScriptResult AssertSucceeded()
    {
        if (Terminating is not null || Errors.Count > 0)
            Assert.Fail($"The script failed.\n{Describe()}");
        return this;
    }

    /// <summary>The one error record the run wrote (terminating or not); fails on none or more than one.</summary>
    public ErrorRecord SingleError()
    {
        var all = AllErrors();
        if (all.Count != 1) Assert.Fail($"Expected exactly one error, got {all.Count}.\n{Describe()}");
        return all[0];
    }

    /// <summary>The error records, with the terminating one (if any) last.</summary>
    public IReadOnlyList<ErrorRecord> AllErrors()
    {
        var all = Errors.ToList();
        if (Terminating?.ErrorRecord is { } record && !all.Any(e => ReferenceEquals(e.Exception, record.Exception))) all.Add(record);
        return all;
    }

    /// <summary>
    /// Every piece of text this run exposed to a user or a log: the output objects (ToString and each property
    /// except <paramref name="exceptOutputProperties"/>), error records (message, exception chain, details,
    /// target), warnings, verbose, debug, information, progress, host lines and prompts.
    /// </summary>
    public IEnumerable<(string Where, string Text)> Texts(params string[] exceptOutputProperties)
    {
        foreach (var (o, i) in Output.Select((o, i) => (o, i)))
        {
            yield return ($"output[{i}]", o.ToString());
            yield return ($"output[{i}].BaseObject", o.BaseObject.ToString() ?? string.Empty);
            foreach (var property in o.Properties)
            {
                if (exceptOutputProperties.Contains(property.Name, StringComparer.OrdinalIgnoreCase)) continue;
                string? value;
                try { value = property.Value?.ToString(); }
                catch (Exception e) when (e is GetValueException or GetValueInvocationException or NotSupportedException) { continue; }
                if (value is not null) yield return ($"output[{i}].{property.Name}", value);
            }
        }
        foreach (var (e, i) in AllErrors().Select((e, i) => (e, i)))
        {
            yield return ($"error[{i}]", e.ToString());
            yield return ($"error[{i}].Exception", e.Exception.ToString());
            yield return ($"error[{i}].FullyQualifiedErrorId", e.FullyQualifiedErrorId);
            yield return ($"error[{i}].CategoryInfo", e.CategoryInfo.ToString());
            if (e.ErrorDetails is { } details) yield return ($"error[{i}].ErrorDetails", $"{details.Message} {details.RecommendedAction}");
            if (e.TargetObject is { } target) yield return ($"error[{i}].TargetObject", target.ToString() ?? string.Empty);
        }
        if (Terminating is not null) yield return ("terminating", Terminating.ToString());
        foreach (var w in Warnings) yield return ("warning", w.Message);
        foreach (var v in Verbose) yield return ("verbose", v.Message);
        foreach (var d in Debug) yield return ("debug", d.Message);
        foreach (var info in Information) yield return ("information", info.MessageData?.ToString() ?? string.Empty);
        foreach (var p in Progress.Concat(HostProgress)) yield return ("progress", $"{p.Activity} | {p.StatusDescription} | {p.CurrentOperation}");
        foreach (var line in HostLines) yield return ($"host {line.Kind}", line.Text);
        foreach (var prompt in Prompts) yield return ("prompt", $"{prompt.Caption} {prompt.Message}");
    }

    /// <summary>Fails when any of <paramref name="secrets"/> appears in any text the run exposed (see <see cref="Texts"/>).</summary>
    public ScriptResult AssertNoSecret(IEnumerable<string> secrets, params string[] exceptOutputProperties)
    {
        var list = secrets.Where(s => !string.IsNullOrEmpty(s)).ToList();
        Assert.NotEmpty(list);
        var texts = Texts(exceptOutputProperties).ToList();
        Assert.NotEmpty(texts);
        foreach (var secret in list)
            foreach (var (where, text) in texts)
                if (text.Contains(secret, StringComparison.Ordinal))
                    Assert.Fail($"A secret appeared in {where}: {text}");
        return this;
    }

    /// <inheritdoc cref="AssertNoSecret(IEnumerable{string}, string[])"/>
    public ScriptResult AssertNoSecret(string secret, params string[] exceptOutputProperties) => AssertNoSecret(new[] { secret }, exceptOutputProperties);

    /// <summary>Everything the run produced, for failure messages.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine("--- script ---").AppendLine(Script.Trim());
        sb.AppendLine($"--- output ({Output.Count}) ---");
        foreach (var o in Output.Take(20)) sb.AppendLine($"  [{o.BaseObject.GetType().FullName}] {o}");
        foreach (var e in AllErrors())
            sb.AppendLine($"--- error {e.FullyQualifiedErrorId} ({e.CategoryInfo.Category}, target '{e.TargetObject}') ---").AppendLine("  " + e);
        if (Terminating is not null) sb.AppendLine("--- terminating ---").AppendLine("  " + Terminating.Message);
        foreach (var w in Warnings) sb.AppendLine("WARNING: " + w.Message);
        foreach (var v in Verbose) sb.AppendLine("VERBOSE: " + v.Message);
        if (HostLines.Count > 0) sb.AppendLine("--- host ---");
        foreach (var line in HostLines.Take(80)) sb.AppendLine($"  {line.Kind}: {line.Text}");
        return sb.ToString();
    }
}

/// <summary>Reading the module's objects (whose types the tests cannot name) through their PSObject.</summary>
public static class PSObjectExtensions
{
    /// <summary>A property's value; fails when the object has no such property.</summary>
    public static object? Get(this PSObject o, string property)
    {
        var p = o.Properties[property];
        if (p is null) Assert.Fail($"{o.BaseObject.GetType().FullName} has no property '{property}'.");
        return p!.Value is PSObject wrapped ? wrapped.BaseObject : p.Value;
    }

    /// <summary>A property's value as text (enums by name), or null.</summary>
    public static string? Text(this PSObject o, string property) => o.Get(property)?.ToString();

    public static string TypeName(this PSObject o) => o.BaseObject.GetType().FullName!;
}
