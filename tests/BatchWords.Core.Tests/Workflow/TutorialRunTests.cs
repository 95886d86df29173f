using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>
/// The tutorial run's storage steps on Azurite: containers named after the job, the refusal of an output container
/// that already holds one of the run's outputs, and a cleanup that deletes only what the run created or wrote.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TutorialRunTests
{
    private readonly AzuriteFixture _azurite;

    public TutorialRunTests(AzuriteFixture azurite) => _azurite = azurite;

    private TutorialRun NewRun() => new(_azurite.CreateContext(), "run-" + Guid.NewGuid().ToString("N")[..12], "pool");

    private async Task<bool> ExistsAsync(string container) => (await _azurite.CreateServiceClient().GetBlobContainerClient(container).ExistsAsync()).Value;

    [Fact]
    public async Task The_runs_own_containers_are_deleted_whole()
    {
        var run = NewRun();
        await run.CreateContainersAsync(new[] { "/data/a.txt" }, default);
        run.Ledger.RecordBlobWritten(run.OutputContainer, "a_OUTPUT.txt");

        Assert.Null(await run.RemoveWhatTheRunWroteAsync(run.InputContainer, default));
        Assert.Null(await run.RemoveWhatTheRunWroteAsync(run.OutputContainer, default));

        Assert.False(await ExistsAsync(run.InputContainer));
        Assert.False(await ExistsAsync(run.OutputContainer));
        Assert.DoesNotContain(run.Ledger.Leftovers(), l => l.Contains(run.InputContainer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_a_container_that_existed_before_only_the_blobs_the_run_wrote_are_deleted()
    {
        var run = NewRun();
        var theirs = _azurite.CreateServiceClient().GetBlobContainerClient(run.InputContainer);
        await theirs.CreateAsync();
        await theirs.GetBlobClient("notes.txt").UploadAsync(BinaryData.FromString("not the run's"));
        await theirs.GetBlobClient("a.txt").UploadAsync(BinaryData.FromString("the run's input"));
        await run.CreateContainersAsync(new[] { "/data/a.txt" }, default);
        run.Ledger.RecordBlobWritten(run.InputContainer, "a.txt");

        Assert.Equal(1, await run.RemoveWhatTheRunWroteAsync(run.InputContainer, default));

        var left = new List<string>();
        await foreach (var blob in theirs.GetBlobsAsync()) left.Add(blob.Name);
        Assert.Equal(new[] { "notes.txt" }, left);
        await theirs.DeleteAsync();
        await run.RemoveWhatTheRunWroteAsync(run.OutputContainer, default);
    }

    [Fact]
    public async Task An_output_container_that_already_holds_an_output_of_the_run_is_refused()
    {
        var run = NewRun();
        var theirs = _azurite.CreateServiceClient().GetBlobContainerClient(run.OutputContainer);
        await theirs.CreateAsync();
        await theirs.GetBlobClient("a_OUTPUT.txt").UploadAsync(BinaryData.FromString("someone's"));

        var error = await Assert.ThrowsAsync<BwException>(() => run.CreateContainersAsync(new[] { "/data/a.txt", "/data/b.txt" }, default));

        Assert.Equal("OutputBlobExists", error.ErrorId);
        Assert.Equal(BwErrorKind.ResourceExists, error.Kind);
        Assert.Contains("'a_OUTPUT.txt'", error.Message, StringComparison.Ordinal);
        Assert.True(await theirs.GetBlobClient("a_OUTPUT.txt").ExistsAsync());
        await theirs.DeleteAsync();
        await run.RemoveWhatTheRunWroteAsync(run.InputContainer, default);
    }
}
