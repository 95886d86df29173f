using BatchWords.Core.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>
/// Wait-BwTask's one -Timeout for all the jobs of an invocation: the first job's timeout, what later jobs get, the
/// rounding, what a spent budget leaves, the countdown for progress, and the InvalidTimeout error.
/// </summary>
public sealed class WaitTimeoutBudgetTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [Fact]
    public void The_first_job_gets_the_timeout_as_given_however_long_the_start_took()
    {
        var clock = new ManualTimeProvider();
        var budget = new WaitTimeoutBudget(TenSeconds, clock);
        clock.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(TenSeconds, budget.TimeoutForJob(1));
    }

    [Fact]
    public void A_later_job_gets_what_is_left_of_the_one_timeout()
    {
        var clock = new ManualTimeProvider();
        var budget = new WaitTimeoutBudget(TenSeconds, clock);
        clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(7), budget.TimeoutForJob(2));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(2), budget.TimeoutForJob(3));
    }

    [Theory]
    [InlineData(32_004, 68_000)] // 3.2004 s used: 6.7996 s left, rounded up to 6.800 s
    [InlineData(30_000, 70_000)] // whole milliseconds stay as they are
    [InlineData(99_999, 10)] // 0.1 ms left: rounded up to one millisecond
    [InlineData(99_991, 10)] // 0.9 ms left: one millisecond
    [InlineData(99_989, 20)] // 1.1 ms left: two
    public void What_is_left_is_rounded_up_to_the_millisecond(long elapsedTicksOf100Microseconds, long expectedTicksOf100Microseconds)
    {
        var clock = new ManualTimeProvider();
        var budget = new WaitTimeoutBudget(TenSeconds, clock);
        clock.Advance(TimeSpan.FromTicks(elapsedTicksOf100Microseconds * 1_000));

        Assert.Equal(TimeSpan.FromTicks(expectedTicksOf100Microseconds * 1_000), budget.TimeoutForJob(2));
    }

    [Theory]
    [InlineData(10_000)] // exactly spent
    [InlineData(10_001)]
    [InlineData(3_600_000)] // long overdrawn
    public void A_spent_budget_leaves_later_jobs_one_millisecond_for_one_poll(int elapsedMilliseconds)
    {
        var clock = new ManualTimeProvider();
        var budget = new WaitTimeoutBudget(TenSeconds, clock);
        clock.Advance(TimeSpan.FromMilliseconds(elapsedMilliseconds));

        Assert.Equal(TimeSpan.FromMilliseconds(1), budget.TimeoutForJob(2));
        Assert.Equal(TimeSpan.FromMilliseconds(1), WaitTimeoutBudget.SpentJobTimeout);
        Assert.Equal(TenSeconds, budget.TimeoutForJob(1));
    }

    [Theory]
    [InlineData(0, 1200)]
    [InlineData(500, 1199)] // cut, not rounded: 1199.5 s left shows 1199
    [InlineData(1_199_999, 0)]
    [InlineData(1_200_000, 0)]
    [InlineData(5_000_000, 0)] // never negative
    public void The_seconds_remaining_for_progress_are_cut_to_whole_seconds_and_never_negative(int elapsedMilliseconds, int expected)
    {
        var budget = new WaitTimeoutBudget(TimeSpan.FromMinutes(20), new ManualTimeProvider());

        Assert.Equal(expected, budget.SecondsRemainingAt(TimeSpan.FromMilliseconds(elapsedMilliseconds)));
    }

    [Fact]
    public void Elapsed_is_measured_from_when_the_budget_started()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromHours(1));
        var budget = new WaitTimeoutBudget(TenSeconds, clock);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), budget.Elapsed);
    }

    [Theory]
    [InlineData(0L, "00:00:00")]
    [InlineData(-10_000_000L, "-00:00:01")]
    public void A_timeout_that_is_not_positive_is_an_InvalidTimeout_error(long ticks, string shown)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        var error = WaitTimeoutBudget.FindViolation(timeout);

        Assert.NotNull(error);
        Assert.Equal(BwErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("InvalidTimeout", error.ErrorId);
        Assert.Equal(timeout, error.Target);
        Assert.Equal($"A timeout of {shown} is not allowed.", error.Message);
        Assert.Equal("Pass a positive -Timeout such as 00:20:00.", error.RecommendedAction);
        Assert.Equal("InvalidTimeout", Assert.Throws<BwException>(() => new WaitTimeoutBudget(timeout)).ErrorId);
    }

    [Fact]
    public void The_shortest_positive_timeout_is_allowed()
    {
        Assert.Null(WaitTimeoutBudget.FindViolation(TimeSpan.FromTicks(1)));
        Assert.Equal(TimeSpan.FromTicks(1), new WaitTimeoutBudget(TimeSpan.FromTicks(1)).Timeout);
    }
}
