using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// The progress bar of a wait on one job, drawn alike by Wait-BwTask (one bar per job) and Invoke-BwTutorial: the
/// activity and the status text of <see cref="WaitProgressText"/> (they fit 80 columns), the share of tasks done, and
/// the countdown of the whole timeout.
/// </summary>
internal static class WaitProgressRecords
{
    public static ProgressRecord Poll(int activityId, string jobId, WaitProgress counts, TimeSpan elapsed, TimeSpan timeout)
        => new(activityId, WaitProgressText.Activity(jobId), WaitProgressText.Status(counts, elapsed, timeout))
        {
            PercentComplete = counts.Total == 0 ? 100 : counts.Completed * 100 / counts.Total,
            SecondsRemaining = WaitProgressText.SecondsLeft(elapsed, timeout),
        };

    public static ProgressRecord Done(int activityId, string jobId)
        => new(activityId, WaitProgressText.Activity(jobId), "Done") { RecordType = ProgressRecordType.Completed };
}
