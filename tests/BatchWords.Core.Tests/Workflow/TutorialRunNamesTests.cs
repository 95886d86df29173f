using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>The per-run container names Invoke-BwTutorial derives from its job id, and its default job id.</summary>
public sealed class TutorialRunNamesTests
{
    [Theory]
    [InlineData("words", "words-input", "words-output")]
    [InlineData("Words-2024", "words-2024-input", "words-2024-output")]
    public void A_job_id_that_is_a_container_name_up_to_case_is_kept(string jobId, string input, string output)
    {
        Assert.Equal(input, TutorialRunNames.InputContainerFor(jobId));
        Assert.Equal(output, TutorialRunNames.OutputContainerFor(jobId));
    }

    [Fact]
    public void Ids_that_map_to_the_same_text_get_different_containers()
    {
        var underscore = TutorialRunNames.OutputContainerFor("a_b");
        var hyphens = TutorialRunNames.OutputContainerFor("a--b");
        Assert.NotEqual(underscore, hyphens);
        Assert.NotEqual("a-b-output", underscore);
        Assert.StartsWith("a-b-", underscore);
    }

    [Theory]
    [InlineData("___")]
    [InlineData("_a_")]
    [InlineData("-x-")]
    [InlineData("ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJabcd")]
    [InlineData("abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh")]
    public void Every_valid_job_id_gives_valid_container_names(string jobId)
    {
        Assert.Null(ContainerNameRules.FindViolation(TutorialRunNames.InputContainerFor(jobId)));
        Assert.Null(ContainerNameRules.FindViolation(TutorialRunNames.OutputContainerFor(jobId)));
    }

    [Fact]
    public void Two_long_ids_that_differ_only_past_the_cut_get_different_containers()
    {
        var stem = new string('a', 60);
        Assert.NotEqual(TutorialRunNames.InputContainerFor(stem + "1"), TutorialRunNames.InputContainerFor(stem + "2"));
    }

    [Fact]
    public void Default_job_ids_made_in_the_same_second_differ()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => TutorialRunNames.NewJobId()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var id in ids) BatchIds.Validate(id, "Job");
    }
}
