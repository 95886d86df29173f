using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Security;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>Connect-BwAccount, Get-BwContext and Disconnect-BwAccount through the engine.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class ConnectTests(LocalStackFixture stack)
{
    private const string Cmdlet = "ConnectBwAccountCommand";
    private static readonly string AzureKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 7 + 3)).ToArray());

    [Fact]
    public void The_first_connect_without_arguments_started_Azurite_and_the_emulator_under_the_runs_own_BATCHWORDS_HOME()
    {
        var verbose = string.Join("\n", stack.FirstConnect.VerboseMessages);
        Assert.Contains("Starting azurite", verbose);
        Assert.Contains($"azurite (pid {stack.AzuriteProcessId}) listens on", verbose);
        Assert.True(LocalStackFixture.ProcessIsAlive(stack.AzuriteProcessId));
        // Its data directory is the run's temporary home, never the developer's ~/.batchwords (Linux shows it in /proc).
        var cmdline = $"/proc/{stack.AzuriteProcessId}/cmdline";
        if (File.Exists(cmdline))
            Assert.Contains(Path.Combine(stack.StateDirectory, "azurite-data"), File.ReadAllText(cmdline).Replace('\0', ' '));
        Assert.True(Directory.Exists(Path.Combine(stack.StateDirectory, "azurite-data")));
        Assert.StartsWith(Path.GetTempPath(), stack.BatchWordsHome, StringComparison.Ordinal);

        var context = Assert.Single(stack.FirstConnect.Output);
        Assert.Equal("BatchWords.BwContext", context.TypeName());
        Assert.Equal(("Local", "devstoreaccount1", "SharedKey", "localbatch", "SharedKey"),
            (context.Text("Backend"), context.Text("StorageAccountName"), context.Text("StorageAuthentication"),
             context.Text("BatchAccountName"), context.Text("BatchAuthentication")));
        Assert.Equal("127.0.0.1", stack.BlobEndpoint.Host);
        Assert.Equal("/devstoreaccount1", stack.BlobEndpoint.AbsolutePath);

        // The Batch emulator started beside Azurite, on loopback, under the same state directory.
        Assert.Contains($"batch-emulator (pid {stack.EmulatorProcessId}) listens on", verbose);
        Assert.True(LocalStackFixture.ProcessIsAlive(stack.EmulatorProcessId));
        Assert.Equal("127.0.0.1", stack.BatchEndpoint.Host);
        Assert.True(Directory.Exists(Path.Combine(stack.StateDirectory, "batch-emulator-data")));
    }

    [Theory]
    [InlineData("Connect-BwAccount -Verbose")]
    [InlineData("Connect-BwAccount -Local -Verbose")]
    public void Connect_without_an_account_reuses_the_running_Azurite_and_makes_the_context_current(string command)
    {
        using var session = PowerShellSession.Start();

        var result = session.Run(command + "; Get-BwContext").AssertSucceeded();

        Assert.Contains(result.VerboseMessages, m => m.StartsWith($"Reusing azurite (pid {stack.AzuriteProcessId}) at ", StringComparison.Ordinal));
        Assert.DoesNotContain(result.VerboseMessages, m => m.Contains("Starting azurite", StringComparison.Ordinal));
        Assert.Equal(stack.AzuriteProcessId, stack.ReadAzuriteProcessId());
        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(stack.BlobEndpoint, o.Get("BlobEndpoint")));
        Assert.Same(result.Output[0].BaseObject, result.Output[1].BaseObject);
    }

    [Fact]
    public void Connect_without_Azurite_installed_is_an_ObjectNotFound_error_saying_how_to_install_it()
    {
        // In a fresh process with a home of its own, so nothing of the run's stack is touched.
        using var home = new TempDirectory("no-azurite");
        var missing = Path.Combine(home.Path, "no", "main.js");

        var result = ScriptHostProcess.Run("""
            param($Manifest)
            Import-Module $Manifest
            try { Connect-BwAccount -ErrorAction Stop; 'connected' }
            catch { '{0}|{1}|{2}|{3}' -f $_.FullyQualifiedErrorId, $_.CategoryInfo.Category, $_.TargetObject, $_.ErrorDetails.RecommendedAction }
            """, new[] { "-Manifest", BuiltModule.ManifestPath },
            new Dictionary<string, string?> { ["BATCHWORDS_HOME"] = home.Path, ["BATCHWORDS_AZURITE"] = missing });

        var line = Assert.Single(result.OutputLines, l => l.Contains('|', StringComparison.Ordinal)).Split('|');
        Assert.Equal(("AzuriteNotFound,BatchWords.PowerShell.ConnectBwAccountCommand", "ObjectNotFound", missing), (line[0], line[1], line[2]));
        Assert.Contains("BATCHWORDS_AZURITE", line[3]);
        Assert.False(Directory.Exists(Path.Combine(home.Path, "local", "azurite-data")));
    }

    [Fact]
    public void Get_BwContext_emits_nothing_before_a_connect_and_each_runspace_has_its_own_current_context()
    {
        using var connected = PowerShellSession.ConnectedTo(stack);
        using var other = PowerShellSession.Start();

        var none = other.Run("Get-BwContext -Verbose").AssertSucceeded();
        var current = connected.Run("Get-BwContext").AssertSucceeded();

        Assert.Empty(none.Output);
        Assert.Contains(none.VerboseMessages, m => m.Contains("run Connect-BwAccount", StringComparison.Ordinal));
        Assert.Same(stack.Context, Assert.Single(current.Output).BaseObject);
    }

    [Fact]
    public void A_cmdlet_run_before_any_connect_connects_to_the_Local_backend_and_makes_it_current()
    {
        using var session = PowerShellSession.Start();
        var name = LocalStackFixture.NewContainerName("autoconnect");

        var result = session.Run("param($Name) New-BwContainer $Name -Verbose; Get-BwContext", new { Name = name }).AssertSucceeded();

        Assert.Contains(result.VerboseMessages, m => m.StartsWith("No account is connected in this session: connecting to the Local backend", StringComparison.Ordinal));
        Assert.Equal(("Created", "Local"), (result.Output[0].Text("Status"), result.Output[1].Text("Backend")));
        Assert.Equal(stack.BlobEndpoint, result.Output[1].Get("BlobEndpoint"));
        Assert.Equal(stack.AzuriteProcessId, stack.ReadAzuriteProcessId());
        Assert.True(stack.Storage.ContainerExists(name));
    }

    [Fact]
    public void Context_parameter_is_used_for_that_call_only()
    {
        using var session = PowerShellSession.Start();
        var name = LocalStackFixture.NewContainerName("ctxonly");

        var result = session.Run("""
            param($Context, $Name)
            Get-BwContext -Context $Context
            $null = New-BwContainer $Name -Context $Context
            Remove-BwContainer $Name -Context $Context -Force -PassThru
            Get-BwContext
            """, new { stack.Context, Name = name }).AssertSucceeded();

        Assert.Same(stack.Context, result.Output[0].BaseObject);
        Assert.Equal((name, "Removed"), (result.Output[1].Text("Name"), result.Output[1].Text("Status")));
        Assert.Equal(2, result.Output.Count); // the session still has no current context
        Assert.False(stack.Storage.ContainerExists(name));
    }

    [Fact]
    public void An_Entra_ID_context_is_made_without_signing_in()
    {
        using var session = PowerShellSession.Start();

        var result = session.Run("Connect-BwAccount -StorageAccountName mystorage -UseEntraId -BatchAccountUrl 'https://mybatch.westeurope.batch.azure.com'")
            .AssertSucceeded();

        var context = Assert.Single(result.Output);
        Assert.Equal(("EntraId", "mybatch", "EntraId"), (context.Text("StorageAuthentication"), context.Text("BatchAccountName"), context.Text("BatchAuthentication")));
        Assert.Equal("https://mystorage.blob.core.windows.net/", context.Text("BlobEndpoint"));
    }

    [Fact]
    public void Connect_with_Context_makes_a_saved_context_current_and_refuses_account_parameters_with_it()
    {
        using var session = PowerShellSession.Start();

        var switched = session.Run("param($Saved) Connect-BwAccount -Context $Saved; Get-BwContext", new { Saved = stack.Context }).AssertSucceeded();
        var mixed = session.Run("param($Saved, $Key) Connect-BwAccount -Context $Saved -StorageAccountName other -StorageAccountKey $Key",
            new { Saved = stack.Context, Key = Secure(AzureKey) });

        Assert.All(switched.Output, o => Assert.Same(stack.Context, o.BaseObject));
        Assert.Equal(2, switched.Output.Count);
        ErrorAssert.Is(mixed.SingleError(), "ContextWithAccountParameters", Cmdlet, ErrorCategory.InvalidArgument, stack.Context);
    }

    [Fact]
    public void Disconnect_forgets_the_context_and_leaves_the_local_services_running()
    {
        using var session = PowerShellSession.ConnectedTo(stack);

        var result = session.Run("Disconnect-BwAccount -Verbose; Get-BwContext").AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Contains(result.VerboseMessages, m => m.StartsWith("Forgetting the session's context", StringComparison.Ordinal));
        Assert.True(LocalStackFixture.ProcessIsAlive(stack.AzuriteProcessId));
        Assert.False(stack.Storage.ContainerExists(LocalStackFixture.NewContainerName("after-disconnect")));
    }

    [Fact]
    public void Disconnect_StopLocalServices_WhatIf_says_what_it_would_stop_and_stops_nothing()
    {
        using var session = PowerShellSession.ConnectedTo(stack);

        var result = session.Run("Disconnect-BwAccount -StopLocalServices -WhatIf").AssertSucceeded();

        Assert.Empty(result.Output);
        var whatIf = Assert.Single(result.WhatIf);
        Assert.Equal($"What if: Performing the operation \"Stop (SIGTERM)\" on target \"local services in {stack.StateDirectory}\".", whatIf);
        Assert.True(LocalStackFixture.ProcessIsAlive(stack.AzuriteProcessId));
        Assert.Equal(stack.AzuriteProcessId, stack.ReadAzuriteProcessId());
    }

    public static TheoryData<string, string, object?> InvalidAzureParameters() => new()
    {
        { "Connect-BwAccount -StorageAccountName Bad_Name -StorageAccountKey $Key", "InvalidStorageAccountName", "Bad_Name" },
        { "Connect-BwAccount -StorageAccountName ab -SasToken 'sv=2022-11-02&sig=abc'", "InvalidStorageAccountName", "ab" },
        { "Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $NotBase64", "InvalidAccountKey", "mystorage" },
        { "Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $Key -BatchAccountKey $Key", "MissingBatchAccountUrl", null },
        { "Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $Key -BatchAccountUrl 'ftp://mybatch.westeurope.batch.azure.com'", "InvalidBatchAccountUrl", "ftp://mybatch.westeurope.batch.azure.com/" },
        { "Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $Key -BatchAccountUrl 'https://my_batch.westeurope.batch.azure.com'", "InvalidBatchAccountName", "my_batch" },
        { "Connect-BwAccount -ConnectionString 'this is not a connection string'", "InvalidConnectionString", null },
        { "Connect-BwAccount -StorageAccountName mystorage -UseEntraId -Credential ([pscustomobject]@{ Token = 'x' })", "InvalidCredential", "System.Management.Automation.PSCustomObject" },
    };

    [Theory]
    [MemberData(nameof(InvalidAzureParameters))]
    public void Invalid_Azure_parameters_are_InvalidArgument_errors_naming_the_value_and_change_nothing(string command, string errorId, object? target)
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        const string notBase64 = "this-is-not-base64-but-a-secret!";

        var result = session.Run("param($Key, $NotBase64) " + command + "; Get-BwContext", new { Key = Secure(AzureKey), NotBase64 = Secure(notBase64) });

        var error = ErrorAssert.Is(result.SingleError(), errorId, Cmdlet, ErrorCategory.InvalidArgument, target);
        Assert.False(string.IsNullOrEmpty(error.ErrorDetails?.RecommendedAction), $"No recommended action: {error}");
        // The failed connect left the session's context as it was.
        Assert.Same(stack.Context, Assert.Single(result.Output).BaseObject);
        result.AssertNoSecret(new[] { AzureKey, notBase64 });
    }

    [Fact]
    public void Two_ways_to_authorize_at_once_is_a_parameter_binding_error()
    {
        using var session = PowerShellSession.Start();

        var result = session.Run("param($Key) Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $Key -SasToken 'sv=1&sig=2'",
            new { Key = Secure(AzureKey) });

        var error = result.SingleError();
        Assert.Equal("AmbiguousParameterSet,BatchWords.PowerShell.ConnectBwAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void An_Azure_connect_sends_no_request()
    {
        // A listener stands in for the blob endpoint: if connecting sent anything, a connection would be pending.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var session = PowerShellSession.Start();

            var result = session.Run("param($Key, $Endpoint) Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $Key -BlobEndpoint $Endpoint -Verbose",
                new { Key = Secure(AzureKey), Endpoint = new Uri($"http://127.0.0.1:{port}/mystorage") }).AssertSucceeded();

            var context = Assert.Single(result.Output);
            Assert.Equal(("Azure", "mystorage", "SharedKey"), (context.Text("Backend"), context.Text("StorageAccountName"), context.Text("StorageAuthentication")));
            Assert.Equal($"http://127.0.0.1:{port}/mystorage", context.Text("BlobEndpoint"));
            Assert.False(listener.Pending(), "Connect-BwAccount opened a connection to the blob endpoint.");
        }
        finally { listener.Stop(); }
    }

    internal static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
