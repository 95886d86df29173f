using System.Management.Automation;
using System.Web;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// No account key, SAS token or connection string appears in anything a user or a log sees: output objects
/// (their ToString, every property, the format views), error records, verbose, warning, progress and host
/// text. The one deliberate carrier is BwInputFile.ReadSasUri, which is excluded where it is the point.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class SecretHygieneTests(LocalStackFixture stack) : IDisposable
{
    private static readonly string RandomKey = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 31 + 17)).ToArray());
    private readonly TempDirectory _temp = new("secrets");

    public void Dispose() => _temp.Dispose();

    /// <summary>How to connect, and the secret strings that must never show.</summary>
    private sealed record Connection(string Name, string Script, object Parameters, string[] Secrets);

    private Connection Make(string kind)
    {
        var endpoint = stack.BlobEndpoint;
        var sas = stack.Storage.AccountSas("racwdl", TimeSpan.FromHours(1));
        var sig = HttpUtility.ParseQueryString(sas)["sig"]!;
        var devKey = LocalStackFixture.DevelopmentAccountKey;
        return kind switch
        {
            "SharedKey" => new(kind, "Connect-BwAccount -StorageAccountName devstoreaccount1 -StorageAccountKey $Secret -BlobEndpoint $Endpoint -Verbose",
                new { Secret = ConnectTests.Secure(devKey), Endpoint = endpoint }, new[] { devKey }),
            "SasToken" => new(kind, "Connect-BwAccount -StorageAccountName devstoreaccount1 -SasToken $Secret -BlobEndpoint $Endpoint -Verbose",
                new { Secret = sas, Endpoint = endpoint }, new[] { sas, sig, Uri.EscapeDataString(sig) }),
            "KeyConnectionString" => new(kind, "Connect-BwAccount -ConnectionString $Secret -Verbose",
                new { Secret = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={devKey};BlobEndpoint={endpoint};", Endpoint = endpoint },
                new[] { devKey }),
            "SasConnectionString" => new(kind, "Connect-BwAccount -ConnectionString $Secret -Verbose",
                new { Secret = $"BlobEndpoint={endpoint};SharedAccessSignature={sas}", Endpoint = endpoint }, new[] { sas, sig, Uri.EscapeDataString(sig) }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    public static TheoryData<string> Kinds() => new() { "SharedKey", "SasToken", "KeyConnectionString", "SasConnectionString" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_Azure_context_shows_no_secret_in_its_output_ToString_format_view_or_verbose(string kind)
    {
        var connection = Make(kind);
        using var session = PowerShellSession.Start();

        var connected = session.Run($"param($Secret, $Endpoint) {connection.Script}; (Get-BwContext).ToString()", connection.Parameters).AssertSucceeded();
        var rendered = session.RunToHost("Get-BwContext").AssertSucceeded();

        Assert.Equal("BatchWords.BwContext", connected.Output[0].TypeName());
        Assert.Equal("Azure", connected.Output[0].Text("Backend"));
        Assert.Contains("StorageAuthentication : ", rendered.HostText);
        connected.AssertNoSecret(connection.Secrets);
        rendered.AssertNoSecret(connection.Secrets);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Working_through_an_Azure_context_shows_no_secret_in_any_stream_or_view(string kind)
    {
        var connection = Make(kind);
        using var session = PowerShellSession.Start();
        session.Run($"param($Secret, $Endpoint) $null = {connection.Script}", connection.Parameters).AssertSucceeded();
        var container = LocalStackFixture.NewContainerName("secret");
        var args = new { Container = container, Data = BuiltModule.TutorialDataDirectory, Destination = _temp.Combine(kind) };
        const string work = """
            param($Container, $Data, $Destination)
            New-BwContainer -Name $Container -Verbose
            [IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $Container -Verbose
            Receive-BwOutput -Container $Container -Destination $Destination -Force -Verbose
            """;

        var objects = session.Run(work, args).AssertSucceeded();
        var views = session.RunToHost(work + "\nRemove-BwContainer -Name $Container -Force -PassThru -Verbose", args).AssertSucceeded();

        Assert.Equal(1 + 3 + 3, objects.Output.Count);
        Assert.Contains(views.HostLines, l => l.Text.StartsWith("BlobName", StringComparison.Ordinal));
        // With a SAS the user's own token is what the read URL carries (no key to sign a narrower one), so
        // ReadSasUri is the one property allowed to hold it.
        objects.AssertNoSecret(connection.Secrets, "ReadSasUri");
        views.AssertNoSecret(connection.Secrets);
        Assert.False(stack.Storage.ContainerExists(container));
    }

    [Fact]
    public void A_wrong_account_key_is_an_AuthenticationError_that_does_not_show_the_key()
    {
        using var session = PowerShellSession.Start();
        var file = _temp.Write("in.txt", "input");
        var container = LocalStackFixture.NewContainerName("wrongkey");
        stack.Storage.CreateContainer(container);

        var result = session.Run("""
            param($Key, $Endpoint, $Container, $File)
            $context = Connect-BwAccount -StorageAccountName devstoreaccount1 -StorageAccountKey $Key -BlobEndpoint $Endpoint -Verbose
            New-BwContainer -Name $Container -Context $context -Verbose
            Publish-BwInput -Container $Container -Path $File -Context $context -Verbose
            """, new { Key = ConnectTests.Secure(RandomKey), Endpoint = stack.BlobEndpoint, Container = container, File = file });

        var errors = result.AllErrors();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(ErrorCategory.AuthenticationError, e.CategoryInfo.Category));
        Assert.Equal(container, errors[0].TargetObject);
        Assert.StartsWith("Storage", errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(file, errors[1].TargetObject);
        result.AssertNoSecret(RandomKey);
        Assert.Empty(stack.Storage.ListBlobs(container));
    }

    [Fact]
    public void A_rejected_SAS_token_is_an_AuthenticationError_that_does_not_show_the_token()
    {
        using var session = PowerShellSession.Start();
        var sas = stack.Storage.AccountSas("racwdl", TimeSpan.FromHours(1));
        var sig = HttpUtility.ParseQueryString(sas)["sig"]!;
        // Same token, signature of another key: the service refuses it.
        var forged = sas.Replace(Uri.EscapeDataString(sig), Uri.EscapeDataString(Convert.ToBase64String(new byte[32])), StringComparison.Ordinal);
        var forgedSig = HttpUtility.ParseQueryString(forged)["sig"]!;

        var result = session.Run("""
            param($Sas, $Endpoint, $Container)
            $context = Connect-BwAccount -StorageAccountName devstoreaccount1 -SasToken $Sas -BlobEndpoint $Endpoint -Verbose
            New-BwContainer -Name $Container -Context $context -Verbose
            """, new { Sas = forged, Endpoint = stack.BlobEndpoint, Container = LocalStackFixture.NewContainerName("forged") });

        var error = result.SingleError();
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        result.AssertNoSecret(new[] { forged, forgedSig, Uri.EscapeDataString(forgedSig) });
    }

    [Fact]
    public void The_local_context_and_the_input_files_show_no_key_and_no_SAS_signature()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = LocalStackFixture.NewContainerName("localsecret");
        stack.Storage.CreateContainer(container);

        var objects = session.Run("param($Data, $Container) [IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $Container -Verbose",
            new { Data = BuiltModule.TutorialDataDirectory, Container = container }).AssertSucceeded();
        var views = session.RunToHost("param($Data, $Container) Get-BwContext; [IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $Container -Verbose",
            new { Data = BuiltModule.TutorialDataDirectory, Container = container }).AssertSucceeded();

        var signatures = objects.Output.Select(o => HttpUtility.ParseQueryString(((Uri)o.Get("ReadSasUri")!).Query)["sig"]!).ToList();
        Assert.Equal(3, signatures.Count);
        var secrets = signatures.Concat(signatures.Select(Uri.EscapeDataString)).Append(LocalStackFixture.DevelopmentAccountKey).ToList();
        objects.AssertNoSecret(secrets, "ReadSasUri");
        views.AssertNoSecret(secrets);
        Assert.DoesNotContain(views.HostLines, l => l.Text.Contains("ReadSasUri", StringComparison.Ordinal));
    }
}
