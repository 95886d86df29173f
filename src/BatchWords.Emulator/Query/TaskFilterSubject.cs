using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Query;

/// <summary>
/// A task's filterable properties (<see cref="FilterableProperties.Tasks"/>) read straight from its state, so a task
/// list can test every remaining task against $filter without building its view: only the tasks that make the page
/// are turned into wire JSON. Values are what the task's wire JSON holds (null where the JSON leaves it out); times
/// are DateTimeOffsets, which compare with datetime'…' literals and with time strings alike.
/// </summary>
public sealed class TaskFilterSubject : IFilterSubject
{
    /// <summary>Reused for each task of a scan, so testing one allocates nothing.</summary>
    public TaskState Task { get; set; } = null!;

    public object? Value(string path)
    {
        var task = Task;
        return path switch
        {
            "id" => task.Id,
            "state" => task.State,
            "statetransitiontime" => task.StateTransitionTime,
            "creationtime" => task.CreationTime,
            "lastmodified" => task.LastModified,
            "previousstate" => task.PreviousState,
            "displayname" => task.Spec.DisplayName,
            "executioninfo/starttime" => task.StartTime,
            "executioninfo/endtime" => task.EndTime,
            "executioninfo/exitcode" => task.ExitCode is { } code ? (decimal)code : null,
            "executioninfo/result" => task.Result,
            "executioninfo/retrycount" => (decimal)task.RetryCount,
            "executioninfo/requeuecount" => (decimal)task.RequeueCount,
            "nodeinfo/nodeid" => task.Node?.Id,
            // Parsing refuses any other property before a list starts (FilterableProperties.Tasks).
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Not a filterable task property."),
        };
    }
}
