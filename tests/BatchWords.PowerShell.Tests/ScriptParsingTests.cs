using System.Management.Automation;
using System.Management.Automation.Language;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// The Pester suites (tests/**/*.Tests.ps1) cannot run here (no pwsh, no Pester), and the scripts we ship
/// run only on some tasks, so the engine's parser checks them all on every CI run: no syntax error (listed
/// as file:line:col), at least one Describe and It per Pester file, and every BatchWords command and
/// parameter a Pester file names exists in the built module.
/// </summary>
public sealed class ScriptParsingTests
{
    /// <summary>The scripts, relative to the repository root.</summary>
    public static TheoryData<string> Scripts()
    {
        var root = BuiltModule.RepositoryRoot;
        var files = PesterFiles().Concat(PesterSupportFiles())
            .Concat(new[] { "build.ps1", Path.Combine("BatchWords.PowerShell", "Help", "HelpBuilder.ps1") })
            .Concat(Directory.GetFiles(Path.Combine(root, "bench"), "*.ps1").Select(f => Path.GetRelativePath(root, f)))
            .Concat(Directory.GetFiles(Path.Combine(root, "BatchWords.PowerShell", "Samples"), "*.ps1").Select(f => Path.GetRelativePath(root, f)));
        var data = new TheoryData<string>();
        foreach (var file in files.Distinct().Order(StringComparer.Ordinal)) data.Add(file);
        return data;
    }

    public static TheoryData<string> PesterSuites()
    {
        var data = new TheoryData<string>();
        foreach (var file in PesterFiles()) data.Add(file);
        return data;
    }

    private static IEnumerable<string> PesterFiles()
    {
        var root = BuiltModule.RepositoryRoot;
        return Directory.GetFiles(Path.Combine(root, "tests"), "*.Tests.ps1", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The scripts the suites dot-source (tests/*.ps1 that are not suites), such as TestSupport.ps1.</summary>
    private static IEnumerable<string> PesterSupportFiles()
    {
        var root = BuiltModule.RepositoryRoot;
        return Directory.GetFiles(Path.Combine(root, "tests"), "*.ps1")
            .Where(f => !f.EndsWith(".Tests.ps1", StringComparison.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal);
    }

    [Fact]
    public void There_are_Pester_suites_for_the_module_the_accounts_storage_batch_and_the_tutorial()
    {
        var names = PesterFiles().Select(Path.GetFileName).ToList();
        Assert.Contains("Module.Tests.ps1", names);
        Assert.Contains("Accounts.Tests.ps1", names);
        Assert.Contains("Storage.Tests.ps1", names);
        Assert.Contains("Batch.Tests.ps1", names);
        Assert.Contains("Tutorial.Tests.ps1", names);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Parses_without_syntax_errors(string relativePath)
    {
        var path = Path.Combine(BuiltModule.RepositoryRoot, relativePath);

        Parser.ParseFile(path, out _, out var errors);

        Assert.True(errors.Length == 0, $"{errors.Length} syntax error(s):\n{Format(relativePath, errors)}");
    }

    [Fact]
    public void A_syntax_error_is_reported_with_file_line_and_column()
    {
        // The check above can fail: what it reports for a broken file.
        using var temp = new TempDirectory("parse");
        var path = temp.Write("Broken.Tests.ps1", "Describe 'broken' {\n    It 'never closes' {\n        $x = @(1, 2\n    }\n");

        Parser.ParseFile(path, out _, out var errors);

        Assert.NotEmpty(errors);
        // '@(1, 2' is never closed: the parser notices where the next line ends the expression.
        Assert.StartsWith("Broken.Tests.ps1:4:5: Missing closing ')'", Format("Broken.Tests.ps1", errors).Split('\n')[0]);
    }

    [Theory]
    [MemberData(nameof(PesterSuites))]
    public void Each_Pester_suite_has_Describe_and_It_blocks(string relativePath)
    {
        var ast = Parser.ParseFile(Path.Combine(BuiltModule.RepositoryRoot, relativePath), out _, out _);

        var commands = ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>().Select(c => c.GetCommandName()).ToList();

        Assert.Contains("Describe", commands);
        Assert.Contains("It", commands);
    }

    [Fact]
    public void Every_BatchWords_command_and_parameter_the_Pester_suites_use_exists_in_the_built_module()
    {
        using var session = PowerShellSession.Start();
        var commands = session.Run("Get-Command -Module BatchWords").AssertSucceeded().Output
            .Select(o => (CommandInfo)o.BaseObject).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var checkedCalls = 0;
        var problems = new List<string>();
        foreach (var relativePath in PesterFiles().Concat(PesterSupportFiles()))
        {
            var ast = Parser.ParseFile(Path.Combine(BuiltModule.RepositoryRoot, relativePath), out _, out _);
            foreach (var command in ast.FindAll(a => a is CommandAst c && c.GetCommandName() is { } n && n.Contains("-Bw", StringComparison.Ordinal), true).Cast<CommandAst>())
            {
                checkedCalls++;
                var name = command.GetCommandName();
                var at = $"{relativePath}:{command.Extent.StartLineNumber}:{command.Extent.StartColumnNumber}";
                if (!commands.TryGetValue(name, out var info)) { problems.Add($"{at}: {name} is not a BatchWords command"); continue; }
                foreach (var parameter in command.CommandElements.OfType<CommandParameterAst>())
                {
                    // Unambiguous prefixes and aliases bind, as they do at run time.
                    var known = info.Parameters.Values.Any(p => p.Name.StartsWith(parameter.ParameterName, StringComparison.OrdinalIgnoreCase)
                        || p.Aliases.Any(a => a.Equals(parameter.ParameterName, StringComparison.OrdinalIgnoreCase)));
                    if (!known) problems.Add($"{at}: {name} has no parameter -{parameter.ParameterName}");
                }
            }
        }
        Assert.True(checkedCalls > 20, $"Only {checkedCalls} BatchWords calls found in the Pester suites.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// pwsh's own cmdlets that the suites use and this engine host lacks (the Management, Utility and Security
    /// modules are not in the System.Management.Automation package), and Pester's commands.
    /// </summary>
    private static readonly HashSet<string> PwshAndPesterCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "Describe", "Context", "It", "BeforeAll", "AfterAll", "BeforeEach", "AfterEach", "BeforeDiscovery", "Should",
        "ConvertTo-Json", "ConvertTo-SecureString", "Format-List", "Format-Table", "Get-ChildItem", "Get-Content", "Get-FileHash",
        "Get-Process", "Import-PowerShellDataFile", "Invoke-WebRequest", "Join-Path", "New-Item", "New-TimeSpan", "Out-String",
        "Pop-Location", "Push-Location", "Select-Object", "Set-Content", "Sort-Object", "Split-Path", "Start-Sleep", "Test-Path",
    };

    [Theory]
    [MemberData(nameof(PesterSuites))]
    public void Every_command_a_Pester_suite_calls_is_its_own_a_TestSupport_helper_a_BatchWords_cmdlet_or_pwsh_s(string relativePath)
    {
        // A helper moved to (or renamed in) TestSupport.ps1 and missed, or a typo, is caught here, not on a pwsh machine.
        var root = BuiltModule.RepositoryRoot;
        var ast = Parser.ParseFile(Path.Combine(root, relativePath), out _, out _);
        var defined = FunctionNames(ast);
        var dotSourcesSupport = ast.FindAll(a => a is CommandAst { InvocationOperator: TokenKind.Dot } c && c.Extent.Text.Contains("TestSupport.ps1", StringComparison.Ordinal), true).Any();
        if (dotSourcesSupport)
            defined.UnionWith(FunctionNames(Parser.ParseFile(Path.Combine(root, "tests", "TestSupport.ps1"), out _, out _)));
        using var session = PowerShellSession.Start();
        var known = session.Run("Get-Command").AssertSucceeded().Output.Select(o => ((CommandInfo)o.BaseObject).Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var unknown = ast.FindAll(a => a is CommandAst { InvocationOperator: not TokenKind.Dot }, true).Cast<CommandAst>()
            .Select(c => (Name: c.GetCommandName(), Line: c.Extent.StartLineNumber))
            .Where(c => c.Name is not null && !defined.Contains(c.Name) && !known.Contains(c.Name) && !PwshAndPesterCommands.Contains(c.Name)
                        && !c.Name.Contains('/'))
            .Select(c => $"{relativePath}:{c.Line}: {c.Name}")
            .ToList();

        Assert.True(unknown.Count == 0, "Not defined anywhere:\n" + string.Join("\n", unknown));
    }

    private static HashSet<string> FunctionNames(Ast ast) =>
        ast.FindAll(a => a is FunctionDefinitionAst, true).Cast<FunctionDefinitionAst>().Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string Format(string file, IEnumerable<ParseError> errors)
        => string.Join("\n", errors.Select(e => $"{file}:{e.Extent.StartLineNumber}:{e.Extent.StartColumnNumber}: {e.Message} ({e.ErrorId})"));
}
