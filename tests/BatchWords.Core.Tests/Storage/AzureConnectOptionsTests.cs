using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>Connect-BwAccount's Azure options are checked before any request, with errors that name the problem.</summary>
public sealed class AzureConnectOptionsTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void No_authorization_method_is_refused()
    {
        var error = Assert.Throws<BwException>(() => Connections.ConnectAzure(new AzureConnectOptions { StorageAccountName = "acct" }));
        Assert.Equal("AmbiguousStorageAuthentication", error.ErrorId);
    }

    [Fact]
    public void Two_authorization_methods_are_refused_naming_both()
    {
        var error = Assert.Throws<BwException>(() => Connections.ConnectAzure(new AzureConnectOptions
        { StorageAccountName = "acct", StorageAccountKeyText = Key, SasToken = "sv=1&sig=abcdefgh" }));
        Assert.Equal("AmbiguousStorageAuthentication", error.ErrorId);
        Assert.Contains("StorageAccountKey and SasToken", error.Message);
        Assert.DoesNotContain("abcdefgh", error.Message);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("ab")]
    [InlineData("has-hyphen")]
    [InlineData("waytoolongstorageaccountname1")]
    public void Bad_account_names_are_refused(string name)
    {
        var error = Assert.Throws<BwException>(() => Connections.ConnectAzure(new AzureConnectOptions { StorageAccountName = name, StorageAccountKeyText = Key }));
        Assert.Equal(("InvalidStorageAccountName", (object)name), (error.ErrorId, error.Target!));
    }

    [Fact]
    public void A_key_that_is_not_base64_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<BwException>(() => Connections.ConnectAzure(new AzureConnectOptions { StorageAccountName = "acct", StorageAccountKeyText = "not*base64*key" }));
        Assert.Equal("InvalidAccountKey", error.ErrorId);
        Assert.DoesNotContain("not*base64*key", error.Message);
    }

    [Fact]
    public void A_secure_string_key_works_like_a_plain_one()
    {
        var secure = new System.Security.SecureString();
        foreach (var c in Key) secure.AppendChar(c);
        var context = Connections.ConnectAzure(new AzureConnectOptions { StorageAccountName = "acct", StorageAccountKey = secure });
        Assert.Equal(StorageAuthentication.SharedKey.ToString(), context.StorageAuthentication);
    }

    [Fact]
    public void A_connection_string_gives_the_account_and_endpoint()
    {
        var context = Connections.ConnectAzure(new AzureConnectOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=https;AccountName=constr;AccountKey={Key};EndpointSuffix=core.windows.net",
        });
        Assert.Equal(("constr", nameof(StorageAuthentication.ConnectionString)), (context.StorageAccountName, context.StorageAuthentication));
        Assert.Equal("https://constr.blob.core.windows.net/", context.BlobEndpoint.ToString());
        Assert.DoesNotContain(Key, context.ToString());
    }

    [Fact]
    public void A_batch_key_without_url_is_refused()
    {
        var error = Assert.Throws<BwException>(() => Connections.ConnectAzure(new AzureConnectOptions
        { StorageAccountName = "acct", StorageAccountKeyText = Key, BatchAccountKeyText = Key }));
        Assert.Equal("MissingBatchAccountUrl", error.ErrorId);
    }

    [Fact]
    public void A_credential_that_is_not_a_token_credential_is_refused()
    {
        var error = Assert.Throws<BwException>(() => Connections.ConnectAzure(new AzureConnectOptions
        { StorageAccountName = "acct", UseEntraId = true, Credential = "not a credential" }));
        Assert.Equal("InvalidCredential", error.ErrorId);
    }

    /// <summary>Same shape as Azure.Core's TokenCredential, but another type: what Az.Accounts' credential looks like to us.</summary>
    private sealed class ForeignCredential
    {
        public Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext context, CancellationToken cancellationToken)
            => new("token-for-" + string.Join(",", context.Scopes), DateTimeOffset.UtcNow.AddHours(1));
    }

    [Fact]
    public async Task A_foreign_credential_is_adapted_by_reflection()
    {
        var adapted = TokenCredentialAdapter.From(new ForeignCredential());
        var token = await adapted.GetTokenAsync(new Azure.Core.TokenRequestContext(new[] { "https://storage.azure.com/.default" }), default);
        Assert.Equal("token-for-https://storage.azure.com/.default", token.Token);
        var context = Connections.ConnectAzure(new AzureConnectOptions { StorageAccountName = "acct", Credential = new ForeignCredential() });
        Assert.Equal(StorageAuthentication.EntraId.ToString(), context.StorageAuthentication);
    }
}
