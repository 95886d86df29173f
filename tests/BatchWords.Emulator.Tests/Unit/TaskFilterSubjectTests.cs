using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;
using BatchWords.Emulator.Query;
using BatchWords.Emulator.State;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

/// <summary>
/// A task list tests $filter on the task's state directly (TaskFilterSubject) instead of on its wire JSON: both must
/// answer every filterable property alike, for tasks that ran and tasks that did not.
/// </summary>
public class TaskFilterSubjectTests
{
    private static readonly DateTimeOffset Start = new(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);

    private static IEnumerable<TaskState> Tasks()
    {
        var state = new EmulatorState("devbatch", Path.GetTempPath());
        var job = new JobState(new JobCreateRequest { Id = "job", PoolInfo = new PoolInfo { PoolId = "pool" } }, 1, "0x1", Start);
        var fresh = new TaskState(job, new TaskCreateRequest { Id = "Task-1", CommandLine = "x" }, 2, "0x2", Start);
        var ran = new TaskState(job, new TaskCreateRequest { Id = "task-2", CommandLine = "x", DisplayName = "second" }, 3, "0x3", Start)
        {
            StartTime = Start.AddSeconds(1), EndTime = Start.AddSeconds(5), ExitCode = 3, Result = "failure", RetryCount = 2, RequeueCount = 1,
        };
        ran.SetState("running", state);
        ran.SetState("completed", state);
        return new[] { fresh, ran };
    }

    [Theory]
    [InlineData("state eq 'completed'")]
    [InlineData("state eq 'Active'")]
    [InlineData("previousState eq 'running'")]
    [InlineData("previousState eq null")]
    [InlineData("id eq 'TASK-2'")]
    [InlineData("startswith(id,'task-')")]
    [InlineData("displayName eq 'second'")]
    [InlineData("displayName ne null")]
    [InlineData("executionInfo/exitCode eq 3")]
    [InlineData("executionInfo/exitCode ne 0")]
    [InlineData("executionInfo/result eq 'failure'")]
    [InlineData("executionInfo/retryCount ge 1")]
    [InlineData("executionInfo/requeueCount eq 0")]
    [InlineData("executionInfo/startTime gt datetime'2025-07-01T12:00:00Z'")]
    [InlineData("executionInfo/endTime le datetime'2025-07-01T12:00:05Z'")]
    [InlineData("creationTime eq datetime'2025-07-01T12:00:00Z'")]
    [InlineData("stateTransitionTime gt datetime'2020-01-01T00:00:00Z'")]
    [InlineData("lastModified lt datetime'2020-01-01T00:00:00Z'")]
    [InlineData("nodeInfo/nodeId eq null")]
    [InlineData("state eq 'completed' and not (executionInfo/result eq 'success') or id eq 'task-1'")]
    public void Matches_exactly_what_the_wire_json_matches(string filterText)
    {
        var filter = ODataFilter.Parse(filterText, FilterableProperties.Tasks);
        var subject = new TaskFilterSubject();
        foreach (var task in Tasks())
        {
            subject.Task = task;
            var json = JsonBodies.ToNode(task.ToResponse("http://127.0.0.1:1"));
            Assert.Equal(filter.Matches(json), filter.Matches(subject));
        }
    }

    [Fact]
    public void Every_filterable_task_property_is_read_from_the_task()
    {
        var subject = new TaskFilterSubject { Task = Tasks().Last() };
        foreach (var property in FilterableProperties.Tasks) subject.Value(property.ToLowerInvariant());
    }
}
