using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>Keys and SAS signatures never reach a context's display or an error message.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretScrubbingTests
{
    private readonly AzuriteFixture _azurite;
    public SecretScrubbingTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task A_wrong_key_is_an_AuthenticationError_whose_message_does_not_hold_the_key()
    {
        var wrongKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        var context = Connections.ConnectAzure(new AzureConnectOptions
        {
            StorageAccountName = "devstoreaccount1", StorageAccountKeyText = wrongKey, BlobEndpoint = _azurite.BlobEndpoint,
        });

        var error = await Assert.ThrowsAsync<BwException>(() => new BwStorageClient(context).CreateContainerAsync("scrub"));

        Assert.Equal(BwErrorKind.AuthenticationError, error.Kind);
        Assert.Equal(403, error.Status);
        Assert.DoesNotContain(wrongKey, error.Message);
        Assert.DoesNotContain(wrongKey, error.ToString().Replace(error.InnerException?.ToString() ?? "", ""));
        Assert.DoesNotContain(wrongKey, context.ToString());
    }

    [Fact]
    public async Task An_expired_sas_token_context_fails_without_the_signature_in_the_message()
    {
        var builder = new AccountSasBuilder(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddMinutes(-10), AccountSasServices.Blobs, AccountSasResourceTypes.All);
        var token = builder.ToSasQueryParameters(new StorageSharedKeyCredential(AzuriteService.AccountName, _azurite.AccountKey)).ToString();
        var signature = System.Web.HttpUtility.ParseQueryString(token)["sig"]!;
        var context = Connections.ConnectAzure(new AzureConnectOptions
        {
            StorageAccountName = "devstoreaccount1", SasToken = "?" + token, BlobEndpoint = _azurite.BlobEndpoint,
        });

        var error = await Assert.ThrowsAsync<BwException>(() => new BwStorageClient(context).CreateContainerAsync("scrub-sas"));

        Assert.True(error.Kind is BwErrorKind.AuthenticationError or BwErrorKind.PermissionDenied, error.Kind.ToString());
        Assert.DoesNotContain(signature, error.Message);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), error.Message);
        Assert.DoesNotContain(signature, context.ToString());
    }

    [Fact]
    public void Context_properties_and_display_hold_no_secret()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray());
        var context = Connections.ConnectAzure(new AzureConnectOptions
        {
            StorageAccountName = "mystorage", StorageAccountKeyText = key,
            BatchAccountUrl = new Uri("https://mybatch.westeurope.batch.azure.com"), BatchAccountKeyText = key,
        });

        var shown = string.Join("|", typeof(BwContext).GetProperties().Select(p => p.GetValue(context)?.ToString())) + context;
        Assert.DoesNotContain(key, shown);
        Assert.Equal(BwBackend.Azure, context.BackendKind);
        Assert.Equal(StorageAuthentication.SharedKey.ToString(), context.StorageAuthentication);
        Assert.Equal("mybatch", context.BatchAccountName);
        Assert.Equal(BatchAuthentication.SharedKey.ToString(), context.BatchAuthentication);
        Assert.Equal("https://mystorage.blob.core.windows.net/", context.BlobEndpoint.ToString());
        Assert.Equal("REDACTED", SecretScrubber.Scrub(key));
    }
}
