using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>Get-Help -Full on every exported cmdlet, from the MAML the build generates into en-US/.</summary>
public sealed class HelpTests
{
    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    public static TheoryData<string> ExportedCmdlets() => ModuleManifestTests.ExportedCmdlets();

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Get_Help_Full_has_a_synopsis_a_description_for_every_parameter_and_at_least_two_examples(string cmdlet)
    {
        using var session = PowerShellSession.Start();

        var result = session.Run("""
            param($Name)
            $help = Get-Help $Name -Full
            $help
            (Get-Command $Name).Parameters.Keys
            """, new { Name = cmdlet }).AssertSucceeded();

        var help = result.Output[0];
        var parameters = result.Output.Skip(1).Select(o => (string)o.BaseObject).Where(p => !CommonParameters.Contains(p)).ToList();
        var synopsis = help.Text("Synopsis")!.Trim();
        // Without MAML the engine makes up a synopsis from the syntax ("Connect-BwAccount [-Local] ...").
        Assert.False(synopsis.Length == 0 || synopsis.StartsWith(cmdlet, StringComparison.OrdinalIgnoreCase), $"{cmdlet}: no written synopsis ('{synopsis}').");
        Assert.Equal("MamlCommandHelpInfo", help.TypeNames.FirstOrDefault(t => t.StartsWith("MamlCommandHelpInfo", StringComparison.Ordinal))?.Split('#')[0]);

        var described = Items(help, "parameters", "parameter").ToDictionary(p => p.Text("name")!, p => Paragraphs(p), StringComparer.OrdinalIgnoreCase);
        Assert.All(parameters, p => Assert.True(described.TryGetValue(p, out var text) && text.Length > 0, $"{cmdlet} -{p}: no description in help."));

        var examples = Items(help, "examples", "example").ToList();
        Assert.True(examples.Count >= 2, $"{cmdlet}: {examples.Count} example(s).");
        Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Text("code")), $"{cmdlet}: an example without code."));
    }

    [Fact]
    public void Get_Help_Full_renders_to_the_host()
    {
        using var session = PowerShellSession.Start();

        var result = session.RunToHost("Get-Help Publish-BwInput -Full").AssertSucceeded();

        var text = result.HostText;
        Assert.Contains("SYNOPSIS", text);
        Assert.Contains("Uploads input files to a container", text);
        Assert.Contains("-ThrottleLimit <Int32>", text);
        Assert.Contains("Example 1", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_about_topic_is_found()
    {
        using var session = PowerShellSession.Start();

        var result = session.Run("Get-Help about_BatchWords").AssertSucceeded();

        Assert.Contains("Connect-BwAccount", string.Join("\n", result.Output.Select(o => o.ToString())));
    }

    /// <summary>help.parameters.parameter (or examples.example) as a list, whatever the nesting PowerShell gives it.</summary>
    private static IEnumerable<PSObject> Items(PSObject help, string outer, string inner)
    {
        if (help.Properties[outer]?.Value is not PSObject container || container.Properties[inner]?.Value is not { } value) yield break;
        if (value is PSObject { BaseObject: object[] array }) foreach (var item in array) yield return PSObject.AsPSObject(item);
        else if (value is object[] plain) foreach (var item in plain) yield return PSObject.AsPSObject(item);
        else yield return PSObject.AsPSObject(value);
    }

    private static string Paragraphs(PSObject parameter)
    {
        if (parameter.Properties["description"]?.Value is not { } description) return string.Empty;
        var items = description is PSObject { BaseObject: object[] array } ? array : description is object[] plain ? plain : new[] { description };
        return string.Join(" ", items.Select(i => PSObject.AsPSObject(i).Properties["Text"]?.Value?.ToString() ?? string.Empty)).Trim();
    }
}
