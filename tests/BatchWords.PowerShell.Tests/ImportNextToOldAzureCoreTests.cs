using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// The module in a session where an older Azure.Core was loaded first, as Az.Accounts does. Only a fresh
/// process has a clean default load context, so the script runs in our console host (bwsh) on the built
/// module; it reuses the run's Azurite (the child inherits BATCHWORDS_HOME).
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class ImportNextToOldAzureCoreTests(LocalStackFixture stack)
{
    private const string Script = """
        param($OldAzureCore, $Manifest, $Container, $Data, $Destination)
        $ErrorActionPreference = 'Stop'
        $old = [Reflection.Assembly]::LoadFrom($OldAzureCore)
        "loaded-first|$($old.GetName().Version)"
        Import-Module $Manifest
        $null = Connect-BwAccount
        "container|$((New-BwContainer -Name $Container).Status)"
        "published|$(@([IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $Container).Count)"
        "received|$(@(Receive-BwOutput -Container $Container -Destination $Destination).Count)"
        Remove-BwContainer -Name $Container -Force
        foreach ($alc in [Runtime.Loader.AssemblyLoadContext]::All) {
            foreach ($assembly in $alc.Assemblies) {
                $name = $assembly.GetName()
                if ($name.Name -in 'Azure.Core', 'Azure.Storage.Blobs', 'BatchWords.Core', 'BatchWords.PowerShell') {
                    "alc|$($alc.Name)|$($name.Name)|$($name.Version)"
                }
            }
        }
        # The conflict is real in this process: loading 1.60 into the default context (a flat module) fails.
        try { $null = [Reflection.Assembly]::LoadFrom([IO.Path]::Combine([IO.Path]::GetDirectoryName($Manifest), 'dependencies', 'Azure.Core.dll')); 'flat|loaded' }
        catch { "flat|$($_.Exception.InnerException.GetType().FullName)" }
        """;

    [Fact]
    public void The_module_imports_and_works_against_Azurite_with_Azure_Core_1_53_loaded_first()
    {
        using var temp = new TempDirectory("next-to-az");
        var container = LocalStackFixture.NewContainerName("nexttoaz");
        var destination = temp.Combine("received");

        var result = ScriptHostProcess.Run(Script, new[]
        {
            "-OldAzureCore", BuiltModule.OldAzureCorePath, "-Manifest", BuiltModule.ManifestPath, "-Container", container,
            "-Data", BuiltModule.TutorialDataDirectory, "-Destination", destination,
        });

        Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0, result.ToString());
        var lines = result.OutputLines.Select(l => l.Trim()).ToList();
        Assert.Contains("loaded-first|1.53.0.0", lines);
        Assert.Contains("container|Created", lines);
        Assert.Contains("published|3", lines);
        Assert.Contains("received|3", lines);
        foreach (var file in Directory.GetFiles(BuiltModule.TutorialDataDirectory, "*.txt"))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(destination, Path.GetFileName(file))));

        // The old Azure.Core stays where it was loaded; ours (1.60) and everything it needs live in the module's context.
        var contexts = lines.Where(l => l.StartsWith("alc|", StringComparison.Ordinal)).ToList();
        Assert.Contains("alc|Default|Azure.Core|1.53.0.0", contexts);
        Assert.Contains("alc|BatchWords.Dependencies|Azure.Core|1.60.0.0", contexts);
        Assert.Contains("alc|BatchWords.Dependencies|Azure.Storage.Blobs|12.30.1.0", contexts);
        Assert.Contains(contexts, c => c.StartsWith("alc|BatchWords.Dependencies|BatchWords.Core|", StringComparison.Ordinal));
        Assert.Contains(contexts, c => c.StartsWith("alc|Default|BatchWords.PowerShell|", StringComparison.Ordinal));
        Assert.Single(contexts, c => c.Contains("|Azure.Core|", StringComparison.Ordinal) && c.StartsWith("alc|Default|", StringComparison.Ordinal));
        Assert.Contains("flat|System.IO.FileLoadException", lines);
        Assert.False(stack.Storage.ContainerExists(container));
    }
}
