using System.Text.RegularExpressions;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// The module's format views (BatchWords.Format.ps1xml) as Out-Default renders them to a host, in plain text:
/// the columns and labels, and that no SAS signature or key is among them.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed partial class FormatViewTests(LocalStackFixture stack)
{
    [GeneratedRegex(@"sig=|ReadSasUri|AccountKey", RegexOptions.IgnoreCase)]
    private static partial Regex SecretMarkers();

    private static string[] HeaderColumns(ScriptResult result, string firstColumn)
    {
        var header = result.HostLines.Select(l => l.Text).FirstOrDefault(t => t.StartsWith(firstColumn, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No table header starting with '{firstColumn}'.\n{result.HostText}");
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void BwContainer_renders_as_a_table_of_Name_Status_and_Uri()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var name = LocalStackFixture.NewContainerName("fmt"); // 24 characters: the Name column's width

        var result = session.RunToHost("param($Name) New-BwContainer $Name", new { Name = name }).AssertSucceeded();

        Assert.Equal(new[] { "Name", "Status", "Uri" }, HeaderColumns(result, "Name"));
        Assert.Contains(result.HostLines, l => Regex.IsMatch(l.Text, $@"^{name}\s+Created\s+{Regex.Escape(stack.BlobEndpoint + "/" + name)}$"));
    }

    [Fact]
    public void BwInputFile_renders_as_a_table_without_the_SAS_URL()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = LocalStackFixture.NewContainerName("fmtin");
        stack.Storage.CreateContainer(container);

        var result = session.RunToHost("param($Data, $Container) [IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $Container",
            new { Data = BuiltModule.TutorialDataDirectory, Container = container }).AssertSucceeded();

        Assert.Equal(new[] { "BlobName", "Status", "Length", "Container", "SasExpiresOn", "Path" }, HeaderColumns(result, "BlobName"));
        Assert.Equal(3, result.HostLines.Count(l => Regex.IsMatch(l.Text, @"^taskdata\d\.txt\s+Uploaded\s+\d+ ")));
        Assert.DoesNotMatch(SecretMarkers(), result.HostText);
    }

    [Fact]
    public void BwInputFile_after_another_type_renders_as_a_list_still_without_the_SAS_URL()
    {
        // Out-Default formats a type that did not start the output "out of band", as a list.
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = LocalStackFixture.NewContainerName("fmtmix");

        var result = session.RunToHost("""
            param($Data, $Container)
            New-BwContainer $Container
            [IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $Container
            """, new { Data = BuiltModule.TutorialDataDirectory, Container = container }).AssertSucceeded();

        Assert.Equal(3, result.HostLines.Count(l => Regex.IsMatch(l.Text, @"^BlobName\s+: taskdata\d\.txt$")));
        Assert.Equal(3, result.HostLines.Count(l => l.Text.StartsWith("SasExpiresOn", StringComparison.Ordinal)));
        Assert.DoesNotMatch(SecretMarkers(), result.HostText);
    }

    [Fact]
    public void BwContext_renders_as_a_list_of_accounts_endpoints_and_authentication()
    {
        using var session = PowerShellSession.ConnectedTo(stack);

        var result = session.RunToHost("Get-BwContext").AssertSucceeded();

        var labels = result.HostLines.Select(l => l.Text).Where(t => t.Contains(" : ", StringComparison.Ordinal) || t.EndsWith(" :", StringComparison.Ordinal))
            .Select(t => t.Split(':')[0].Trim()).ToList();
        Assert.Equal(new[] { "Backend", "StorageAccountName", "BlobEndpoint", "StorageAuthentication", "BatchAccountName", "BatchEndpoint", "BatchAuthentication" }, labels);
        Assert.Contains(result.HostLines, l => Regex.IsMatch(l.Text, $@"^BlobEndpoint\s+: {Regex.Escape(stack.BlobEndpoint.ToString())}$"));
        Assert.DoesNotMatch(SecretMarkers(), result.HostText);
        Assert.DoesNotContain(LocalStackFixture.DevelopmentAccountKey, result.HostText);
    }

    [Fact]
    public void LocalServiceStopResult_renders_as_a_table_of_Name_ProcessId_and_Status()
    {
        // In a fresh process with a BATCHWORDS_HOME of its own, so the run's Azurite is not the one stopped.
        using var home = new TempDirectory("stop-home");

        var result = ScriptHostProcess.Run("param($Manifest) Import-Module $Manifest; Disconnect-BwAccount -StopLocalServices",
            new[] { "-Manifest", BuiltModule.ManifestPath }, new Dictionary<string, string?> { ["BATCHWORDS_HOME"] = home.Path });

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.OutputLines.Select(l => l.TrimEnd()).ToList();
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^Name\s+ProcessId\s+Status$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^azurite\s+NotRunning$"));
        Assert.True(LocalStackFixture.ProcessIsAlive(stack.AzuriteProcessId));
    }
}
