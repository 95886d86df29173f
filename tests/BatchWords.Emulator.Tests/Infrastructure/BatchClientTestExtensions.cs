using BatchWords.Batch;
using Xunit;

namespace BatchWords.Emulator.Tests.Infrastructure;

/// <summary>Puts one task in place the way the product adds tasks (CreateTasksAsync, as Start-BwJob does).</summary>
public static class BatchClientTestExtensions
{
    /// <summary>Adds the task and fails the test when the service did not add it.</summary>
    public static async Task AddTaskAsync(this BatchClient client, string jobId, BatchTaskCreateOptions task)
    {
        var result = await client.CreateTasksAsync(jobId, new[] { task });
        var added = Assert.Single(result.Results);
        Assert.True(added.Status == BatchTaskAddStatus.Success, $"Task '{task.Id}' was not added: {added.Error?.Code} {added.Error?.Message?.Value}");
    }
}
