using Xunit;

namespace BatchWords.Core.Tests.Storage;

/// <summary>
/// Receive-BwOutput's rule for outputs that are not there: the output of a piped task that failed is a warning (its
/// failure was already reported), every other download failure stays an error.
/// </summary>
public sealed class FailedTaskOutputsTests
{
    private static TransferFailed Missing(string blob) => new(blob, new BwException(BwErrorKind.ObjectNotFound, "OutputBlobNotFound",
        $"Container 'out' has no blob '{blob}'.", blob, "A task uploads its output only when it succeeds: check the task with Get-BwTask and its log with Get-BwTaskLog -Stream stderr."));

    [Fact]
    public void A_missing_output_of_a_failed_task_is_a_warning_that_says_why()
    {
        var failed = new FailedTaskOutputs();
        failed.Add("failure", new[] { "taskdata4_OUTPUT.txt" });

        Assert.Equal(
            "No output 'taskdata4_OUTPUT.txt' in container 'output': its task failed (reported by Wait-BwTask with its exit code and stderr), so it uploaded nothing.",
            failed.WarningFor(Missing("taskdata4_OUTPUT.txt"), "output"));
    }

    [Theory]
    [InlineData("FAILURE")]
    [InlineData("Failure")]
    public void The_result_is_matched_in_any_case(string result)
    {
        var failed = new FailedTaskOutputs();
        failed.Add(result, new[] { "a_OUTPUT.txt" });

        Assert.NotNull(failed.WarningFor(Missing("a_OUTPUT.txt"), "out"));
    }

    [Theory]
    [InlineData("success")]
    [InlineData(null)] // not completed, or not a BwTask at all
    [InlineData("")]
    [InlineData("failed")] // Batch's word is "failure"; anything else is not it
    public void A_missing_output_of_a_task_that_did_not_fail_stays_an_error(string? result)
    {
        var failed = new FailedTaskOutputs();
        failed.Add(result, new[] { "a_OUTPUT.txt" });

        Assert.False(failed.Contains("a_OUTPUT.txt"));
        Assert.Null(failed.WarningFor(Missing("a_OUTPUT.txt"), "out"));
    }

    [Fact]
    public void Only_the_failed_tasks_own_outputs_are_forgiven()
    {
        var failed = new FailedTaskOutputs();
        failed.Add("failure", new[] { "bad_OUTPUT.txt" });
        failed.Add("success", new[] { "good_OUTPUT.txt" });

        Assert.NotNull(failed.WarningFor(Missing("bad_OUTPUT.txt"), "out"));
        Assert.Null(failed.WarningFor(Missing("good_OUTPUT.txt"), "out"));
        Assert.Null(failed.WarningFor(Missing("other_OUTPUT.txt"), "out"));
    }

    [Fact]
    public void Blob_names_compare_case_sensitively_as_storage_does()
    {
        var failed = new FailedTaskOutputs();
        failed.Add("failure", new[] { "Bad_OUTPUT.txt" });

        Assert.Null(failed.WarningFor(Missing("bad_OUTPUT.txt"), "out"));
    }

    [Theory]
    [InlineData("OutputFileExists", BwErrorKind.ResourceExists)] // a different local file in the way
    [InlineData("StorageAuthorizationFailure", BwErrorKind.PermissionDenied)]
    [InlineData("ContainerNotFound", BwErrorKind.ObjectNotFound)]
    public void Any_other_failure_to_download_a_failed_tasks_output_stays_an_error(string errorId, BwErrorKind kind)
    {
        var failed = new FailedTaskOutputs();
        failed.Add("failure", new[] { "bad_OUTPUT.txt" });

        Assert.Null(failed.WarningFor(new TransferFailed("bad_OUTPUT.txt", new BwException(kind, errorId, "It failed.", "bad_OUTPUT.txt")), "out"));
    }

    [Fact]
    public void A_failed_task_that_names_no_output_forgives_nothing()
    {
        var failed = new FailedTaskOutputs();
        failed.Add("failure", null);
        failed.Add("failure", Array.Empty<string>());
        failed.Add("failure", new string?[] { "", null });

        Assert.False(failed.Contains(""));
        Assert.Null(failed.WarningFor(Missing("a_OUTPUT.txt"), "out"));
    }

    [Fact]
    public void Outputs_add_up_over_the_piped_tasks()
    {
        var failed = new FailedTaskOutputs();
        failed.Add("failure", new[] { "a_OUTPUT.txt" });
        failed.Add("failure", new[] { "b_OUTPUT.txt", "a_OUTPUT.txt" });

        Assert.True(failed.Contains("a_OUTPUT.txt"));
        Assert.True(failed.Contains("b_OUTPUT.txt"));
    }
}
