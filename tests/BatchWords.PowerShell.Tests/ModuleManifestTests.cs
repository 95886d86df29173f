using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Runtime.Loader;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>The built module as PowerShell sees it: manifest, exports, verbs, output types, layout and what its types expose.</summary>
public sealed class ModuleManifestTests
{
    /// <summary>CmdletsToExport as written in the source manifest (read with the engine's parser, not by importing it).</summary>
    public static IReadOnlyList<string> ManifestCmdlets()
    {
        var ast = Parser.ParseFile(Path.Combine(BuiltModule.RepositoryRoot, "BatchWords.psd1"), out _, out var errors);
        Assert.Empty(errors);
        var table = (System.Collections.Hashtable)((HashtableAst)ast.Find(a => a is HashtableAst, false)!).SafeGetValue();
        return ((object[])table["CmdletsToExport"]!).Cast<string>().ToList();
    }

    public static TheoryData<string> ExportedCmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var name in ManifestCmdlets()) data.Add(name);
        return data;
    }

    [Fact]
    public void Test_ModuleManifest_accepts_the_built_manifest()
    {
        using var session = PowerShellSession.StartWithoutModule();

        var result = session.Run("param($Path) Test-ModuleManifest -Path $Path", new { Path = BuiltModule.ManifestPath }).AssertSucceeded();

        var module = (PSModuleInfo)Assert.Single(result.Output).BaseObject;
        Assert.Equal(("BatchWords", new Version(0, 1, 0), "BatchWords.PowerShell.dll"), (module.Name, module.Version, Path.GetFileName(module.RootModule)));
        Assert.Equal(ManifestCmdlets().Order(), module.ExportedCmdlets.Keys.Order());
        Assert.Contains("Core", module.CompatiblePSEditions);
    }

    [Fact]
    public void Test_ModuleManifest_would_report_a_broken_manifest()
    {
        // The check above can fail: a copy of the manifest naming a format file that is not there.
        using var temp = new TempDirectory("manifest");
        var text = File.ReadAllText(BuiltModule.ManifestPath).Replace("'BatchWords.Format.ps1xml'", "'Missing.Format.ps1xml'", StringComparison.Ordinal);
        var copy = temp.Write("BatchWords.psd1", text);
        using var session = PowerShellSession.StartWithoutModule();

        var result = session.Run("param($Path) Test-ModuleManifest -Path $Path", new { Path = copy });

        Assert.Contains(result.AllErrors(), e => e.FullyQualifiedErrorId.StartsWith("Modules_InvalidManifest", StringComparison.Ordinal)
            || e.Exception.Message.Contains("Missing.Format.ps1xml", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_Module_by_manifest_path_exports_exactly_the_manifest_cmdlets_as_a_binary_module()
    {
        using var session = PowerShellSession.Start();

        var module = session.Module!;

        Assert.Equal(ModuleType.Binary, module.ModuleType);
        Assert.Equal(BuiltModule.Directory, module.ModuleBase);
        Assert.Equal(ManifestCmdlets().Order(), module.ExportedCmdlets.Keys.Order());
        Assert.Empty(module.ExportedFunctions);
        Assert.Empty(module.ExportedAliases);
        var commands = session.Run("(Get-Command -Module BatchWords).Name").AssertSucceeded();
        Assert.Equal(ManifestCmdlets().Order(), commands.Output.Select(o => (string)o.BaseObject).Order());
    }

    [Fact]
    public void Import_Module_gives_no_unapproved_verb_warnings_and_the_check_catches_one()
    {
        using var session = PowerShellSession.StartWithoutModule();

        var ours = session.Run("param($Path) Import-Module $Path -WarningVariable w -WarningAction SilentlyContinue; $w.Count", new { Path = BuiltModule.ManifestPath })
            .AssertSucceeded();
        var control = session.Run("New-Module -Name BwVerbControl -ScriptBlock { function Fetch-Thing { } } | Import-Module -WarningVariable w -WarningAction SilentlyContinue; $w.Count")
            .AssertSucceeded();

        Assert.Equal(0, Assert.Single(ours.Output).BaseObject);
        Assert.Equal(1, Assert.Single(control.Output).BaseObject);
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_exported_cmdlet_declares_an_OutputType_that_resolves(string cmdlet)
    {
        using var session = PowerShellSession.Start();

        var result = session.Run("param($Name) (Get-Command $Name).OutputType", new { Name = cmdlet }).AssertSucceeded();

        Assert.NotEmpty(result.Output);
        Assert.All(result.Output, o => Assert.NotNull(((PSTypeName)o.BaseObject).Type));
    }

    [Fact]
    public void The_cmdlet_assembly_exposes_no_Azure_SDK_type_and_does_not_reference_the_Azure_SDK()
    {
        using var session = PowerShellSession.Start();
        var implementing = session.Run("(Get-Command -Module BatchWords).ImplementingType").AssertSucceeded()
            .Output.Select(o => (Type)o.BaseObject).ToList();
        var cmdlets = implementing[0].Assembly;
        var outputTypes = session.Run("(Get-Command -Module BatchWords).OutputType.Type").AssertSucceeded()
            .Output.Select(o => (Type)o.BaseObject).Distinct().ToList();

        Assert.DoesNotContain(cmdlets.GetReferencedAssemblies(), a => a.Name!.StartsWith("Azure", StringComparison.Ordinal));
        var exposed = cmdlets.GetExportedTypes().Concat(outputTypes)
            .SelectMany(t => SignatureTypes(t).Select(s => (Owner: t, Exposed: s)))
            .Where(p => p.Exposed.Assembly.GetName().Name!.StartsWith("Azure", StringComparison.Ordinal))
            .Select(p => $"{p.Owner.FullName} exposes {p.Exposed.FullName}")
            .ToList();
        Assert.Empty(exposed);
        Assert.Contains(outputTypes, t => t.FullName == "BatchWords.BwInputFile"); // the walk above saw Core's output types
    }

    [Fact]
    public void Core_and_the_Azure_SDK_load_into_the_modules_own_load_context()
    {
        using var session = PowerShellSession.Start();
        // An Azure context needs Core and the Azure SDK but no request.
        var result = session.Run("param($Key) Connect-BwAccount -StorageAccountName layout -StorageAccountKey $Key",
            new { Key = ConnectTests.Secure(Convert.ToBase64String(new byte[32])) }).AssertSucceeded();

        var core = Assert.Single(result.Output).BaseObject.GetType().Assembly;
        var context = AssemblyLoadContext.GetLoadContext(core)!;
        Assert.Equal("BatchWords.Dependencies", context.Name);
        Assert.Equal(Path.Combine(BuiltModule.Directory, "dependencies", "BatchWords.Core.dll"), core.Location);
        var azureCore = Assert.Single(context.Assemblies, a => a.GetName().Name == "Azure.Core");
        Assert.Equal(Path.Combine(BuiltModule.Directory, "dependencies", "Azure.Core.dll"), azureCore.Location);
        Assert.Equal("Default", AssemblyLoadContext.GetLoadContext(typeof(PSObject).Assembly)!.Name);
    }

    [Fact]
    public void The_built_module_holds_only_the_cmdlet_assembly_at_its_root_and_Core_with_the_Azure_SDK_in_dependencies()
    {
        var root = Directory.GetFiles(BuiltModule.Directory, "*.dll").Select(Path.GetFileName).ToList();
        var dependencies = Path.Combine(BuiltModule.Directory, "dependencies");

        Assert.Equal(new[] { "BatchWords.PowerShell.dll" }, root);
        Assert.True(File.Exists(Path.Combine(dependencies, "BatchWords.Core.dll")));
        Assert.Equal(new Version(1, 60, 0, 0), AssemblyName.GetAssemblyName(Path.Combine(dependencies, "Azure.Core.dll")).Version);
        Assert.True(File.Exists(Path.Combine(dependencies, "Azure.Storage.Blobs.dll")));
        // The engine is the host's: a copied reference System.Management.Automation.dll would shadow it.
        Assert.Empty(Directory.GetFiles(BuiltModule.Directory, "System.Management.Automation.dll", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(BuiltModule.Directory, "en-US", "BatchWords.PowerShell.dll-Help.xml")));
        Assert.True(File.Exists(Path.Combine(BuiltModule.Directory, "BatchWords.Format.ps1xml")));
    }

    /// <summary>Every type a public surface mentions: base types, interfaces, fields, properties, events, method and constructor signatures.</summary>
    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        const BindingFlags visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var direct = new List<Type>();
        if (type.BaseType is not null) direct.Add(type.BaseType);
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetFields(visible).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(visible).Select(p => p.PropertyType));
        direct.AddRange(type.GetEvents(visible).Select(e => e.EventHandlerType!));
        foreach (var method in type.GetMethods(visible).Cast<MethodBase>().Concat(type.GetConstructors(visible)))
        {
            if (method is MethodInfo info) direct.Add(info.ReturnType);
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
        }
        return direct.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType) return Unwrap(type.GetElementType()!);
        if (type.IsGenericType) return new[] { type.GetGenericTypeDefinition() }.Concat(type.GetGenericArguments().SelectMany(Unwrap));
        return type.IsGenericParameter ? Array.Empty<Type>() : new[] { type };
    }
}
