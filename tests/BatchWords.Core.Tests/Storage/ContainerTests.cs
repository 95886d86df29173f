using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class ContainerTests
{
    private readonly AzuriteFixture _azurite;
    public ContainerTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Create_reports_Created_then_Existing_and_the_container_exists()
    {
        var client = new BwStorageClient(_azurite.CreateContext());
        var name = AzuriteFixture.NewContainerName("create");

        Assert.False((await _azurite.CreateServiceClient().GetBlobContainerClient(name).ExistsAsync()).Value);
        var first = await client.CreateContainerAsync(name);
        var second = await client.CreateContainerAsync(name);

        Assert.Equal(ContainerStatus.Created, first.StatusKind);
        Assert.Equal(ContainerStatus.Existing, second.StatusKind);
        Assert.Equal(name, first.Name);
        Assert.Equal($"{_azurite.BlobEndpoint}/{name}", first.Uri.ToString());
        Assert.True((await _azurite.CreateServiceClient().GetBlobContainerClient(name).ExistsAsync()).Value);
        Assert.True((await _azurite.CreateServiceClient().GetBlobContainerClient(name).ExistsAsync()).Value);
    }

    [Fact]
    public async Task Delete_removes_the_container_and_a_missing_one_is_ObjectNotFound()
    {
        var client = new BwStorageClient(_azurite.CreateContext());
        var name = AzuriteFixture.NewContainerName("delete");
        await client.CreateContainerAsync(name);

        await client.DeleteContainerAsync(name);
        Assert.False((await _azurite.CreateServiceClient().GetBlobContainerClient(name).ExistsAsync()).Value);

        var error = await Assert.ThrowsAsync<BwException>(() => client.DeleteContainerAsync(name));
        Assert.Equal(BwErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal(404, error.Status);
        Assert.Equal("ContainerNotFound", error.ServiceErrorCode);
        Assert.Equal(name, error.Target);
    }

    [Theory]
    [InlineData("ab", "3 to 63")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123", "3 to 63")]
    [InlineData("Input", "'I' is not allowed")]
    [InlineData("in_put", "'_' is not allowed")]
    [InlineData("in.put", "'.' is not allowed")]
    [InlineData("-input", "start and end")]
    [InlineData("input-", "start and end")]
    [InlineData("in--put", "consecutive hyphens")]
    [InlineData("", "empty")]
    public async Task Bad_names_are_refused_before_any_request_naming_the_value_and_the_rule(string name, string rule)
    {
        // A context whose endpoint does not answer: a request would surface as a ConnectionError, not InvalidArgument.
        var unreachable = Connections.ConnectAzure(new AzureConnectOptions
        {
            StorageAccountName = "devstoreaccount1",
            StorageAccountKeyText = BatchWords.Core.Tests.Infrastructure.AzuriteFixture.WellKnownDevelopmentKey,
            BlobEndpoint = new Uri("http://127.0.0.1:9/devstoreaccount1"),
        });
        var client = new BwStorageClient(unreachable);

        var error = await Assert.ThrowsAsync<BwException>(() => client.CreateContainerAsync(name));

        Assert.Equal(BwErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("InvalidContainerName", error.ErrorId);
        Assert.Equal(name, error.Target);
        Assert.Contains($"'{name}'", error.Message);
        Assert.Contains(rule, error.Message);
        Assert.NotNull(error.RecommendedAction);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("input")]
    [InlineData("a-b-c")]
    [InlineData("0utput9")]
    public void Valid_names_pass(string name) => Assert.Null(ContainerNameRules.FindViolation(name));

    [Fact]
    public async Task Container_names_are_listed_by_prefix()
    {
        var client = new BwStorageClient(_azurite.CreateContext());
        var stem = "list" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateContainerAsync(stem + "-a");
        await client.CreateContainerAsync(stem + "-b");

        var names = new List<string>();
        await foreach (var n in client.GetContainerNamesAsync(stem)) names.Add(n);

        Assert.Equal(new[] { stem + "-a", stem + "-b" }, names.OrderBy(n => n));
    }
}
