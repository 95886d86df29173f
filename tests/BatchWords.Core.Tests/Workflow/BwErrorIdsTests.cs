using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>One error id per condition: the service's codes for conditions BatchWords also detects map to the same ids.</summary>
public sealed class BwErrorIdsTests
{
    [Theory]
    [InlineData(404, "PoolNotFound", "PoolNotFound")]
    [InlineData(404, "JobNotFound", "JobNotFound")]
    [InlineData(404, "TaskNotFound", "TaskNotFound")]
    [InlineData(403, "AuthenticationFailed", "BatchAuthenticationFailed")]
    [InlineData(401, null, "BatchAuthenticationFailed")]
    [InlineData(409, "PoolBeingDeleted", "BatchPoolBeingDeleted")]
    [InlineData(500, null, "BatchRequestFailed")]
    public void Batch_service_codes(int status, string? code, string expected)
        => Assert.Equal(expected, BwErrorIds.FromBatchService(status, code));

    [Theory]
    [InlineData(404, "ContainerNotFound", "ContainerNotFound")]
    [InlineData(403, "AuthorizationFailure", "StorageAuthenticationFailed")]
    [InlineData(403, "AuthenticationFailed", "StorageAuthenticationFailed")]
    [InlineData(403, "InvalidAuthenticationInfo", "StorageAuthenticationFailed")]
    [InlineData(401, null, "StorageAuthenticationFailed")]
    [InlineData(403, "AuthorizationPermissionMismatch", "StorageAuthorizationPermissionMismatch")]
    [InlineData(404, "BlobNotFound", "StorageBlobNotFound")]
    [InlineData(503, null, "StorageRequestFailed")]
    public void Storage_service_codes(int status, string? code, string expected)
        => Assert.Equal(expected, BwErrorIds.FromStorageService(status, code));

    [Fact]
    public void Every_id_is_listed_once_and_is_its_own_name()
    {
        Assert.Equal(BwErrorIds.All.Count, BwErrorIds.All.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("ContainerNotFound", BwErrorIds.All);
        Assert.DoesNotContain("StorageContainerNotFound", BwErrorIds.All);
    }

    [Theory]
    [InlineData("Pool", "InvalidPoolId")]
    [InlineData("Job", "InvalidJobId")]
    [InlineData("Task", "InvalidTaskId")]
    public void A_bad_batch_id_has_the_catalogue_id(string what, string expected)
    {
        var error = Assert.Throws<BwException>(() => BatchIds.Validate("bad id", what));
        Assert.Equal(expected, error.ErrorId);
        Assert.Contains(expected, BwErrorIds.All);
    }
}
