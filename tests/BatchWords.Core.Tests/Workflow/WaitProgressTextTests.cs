using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>Wait-BwTask's progress line: the countdown first and short enough for an 80-column terminal.</summary>
public sealed class WaitProgressTextTests
{
    [Theory]
    [InlineData(0, 1200, "20:00")]
    [InlineData(1.2, 1200, "19:59")]
    [InlineData(60, 3 * 3600, "2:59:00")]
    [InlineData(30, 10, "0:00")]
    public void The_time_left_is_never_negative_and_gets_hours_from_an_hour_on(double elapsedSeconds, double timeoutSeconds, string expected)
        => Assert.Equal(expected, WaitProgressText.TimeLeft(TimeSpan.FromSeconds(elapsedSeconds), TimeSpan.FromSeconds(timeoutSeconds)));

    [Fact]
    public void The_status_starts_with_the_countdown_then_the_counts()
    {
        var progress = new WaitProgress { Total = 10, Succeeded = 2, Failed = 1, Running = 4, Active = 3 };

        var status = WaitProgressText.Status(progress, TimeSpan.FromSeconds(62), TimeSpan.FromMinutes(20));

        Assert.Equal("18:58 left, 3/10 done, 1 failed", status);
    }

    [Fact]
    public void Activity_and_status_fit_an_80_column_minimal_progress_line()
    {
        // pwsh's minimal view: "<activity> [<bar with the status>]". A long job id is cut in the activity, the
        // status of a 10,000-task job over a day still fits after it.
        var activity = WaitProgressText.Activity(new string('j', 64));
        var status = WaitProgressText.Status(new WaitProgress { Total = 10000, Succeeded = 9998, Failed = 1, Running = 1000 }, TimeSpan.Zero, TimeSpan.FromHours(23));

        Assert.True(activity.Length <= WaitProgressText.MaxActivityLength);
        Assert.True(activity.Length + 2 + status.Length + 1 <= 80, $"{activity} [{status}]");
        Assert.StartsWith("Waiting for job jjj", activity);
        Assert.Equal("Waiting for job words", WaitProgressText.Activity("words"));
    }
}
