namespace BatchWords.Emulator.State;

/// <summary>Where a task counts in GET /jobs/{id}/taskcounts: its state, and for a completed one its result.</summary>
public enum TaskCountBucket { Active, Running, Succeeded, Failed }

/// <summary>
/// A job's task counts (and task slot counts), kept up to date as tasks are added, change state and are deleted,
/// so answering taskcounts is a read of six numbers, not a scan of every task: clients poll it while a job runs.
/// </summary>
public sealed class TaskCountTally
{
    private readonly int[] _tasks = new int[4];
    private readonly int[] _slots = new int[4];

    public static TaskCountBucket BucketOf(string state, string? result) => state switch
    {
        "active" => TaskCountBucket.Active,
        "running" or "preparing" => TaskCountBucket.Running,
        _ => result == "success" ? TaskCountBucket.Succeeded : TaskCountBucket.Failed,
    };

    public void Add(TaskCountBucket bucket, int slots)
    {
        _tasks[(int)bucket]++;
        _slots[(int)bucket] += slots;
    }

    public void Remove(TaskCountBucket bucket, int slots)
    {
        _tasks[(int)bucket]--;
        _slots[(int)bucket] -= slots;
    }

    public int Tasks(TaskCountBucket bucket) => _tasks[(int)bucket];

    public int Slots(TaskCountBucket bucket) => _slots[(int)bucket];

    public int CompletedTasks => Tasks(TaskCountBucket.Succeeded) + Tasks(TaskCountBucket.Failed);
}
