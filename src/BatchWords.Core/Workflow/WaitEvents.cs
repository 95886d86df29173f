namespace BatchWords;

/// <summary>What <see cref="TaskWaiter"/> reports while it waits.</summary>
public abstract class WaitEvent { }

/// <summary>Counts after a poll, for Write-Progress.</summary>
public sealed class WaitProgress : WaitEvent
{
    public int Total { get; init; }
    public int Active { get; init; }
    public int Running { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
    public int Completed => Succeeded + Failed;
    public TimeSpan Elapsed { get; init; }
    public TimeSpan Timeout { get; init; }
}

/// <summary>A task reached its final state. A failed one carries the end of its stderr.</summary>
public sealed class TaskFinished : WaitEvent
{
    public required BwTask Task { get; init; }

    /// <summary>The last lines of stderr.txt when the task failed (null when it succeeded or had none).</summary>
    public string? StderrTail { get; init; }

    /// <summary>
    /// A failed task as an error: its exit code, failure code and message, and the end of its stderr. One wording
    /// for every caller (Wait-BwTask, Invoke-BwTutorial), because "completed" is not success.
    /// </summary>
    public BwException ToFailure()
    {
        var how = Task.ExitCode is { } code ? $"exit code {code}" : "no exit code";
        var message = $"Task '{Task.TaskId}' of job '{Task.JobId}' failed ({how}{(Task.FailureCode is null ? "" : $", {Task.FailureCode}")})"
            + (Task.FailureMessage is null ? "." : $": {Task.FailureMessage}")
            + (StderrTail is null ? "" : $"\nstderr:\n{StderrTail}");
        return new BwException(BwErrorKind.TaskFailed, BwErrorIds.TaskFailed, message, Task,
            $"Read the whole log with Get-BwTaskLog -JobId {Task.JobId} -TaskId {Task.TaskId} -Stream Stderr.");
    }
}
