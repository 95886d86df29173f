using BatchWords.Batch;

namespace BatchWords;

/// <summary>Which of a task's output streams to read.</summary>
public enum TaskLogStream { Stdout, Stderr }

/// <summary>Reads a task's stdout.txt or stderr.txt through the Batch files API (Get-BwTaskLog).</summary>
public sealed class TaskLogReader
{
    private readonly BatchClient _client;

    public TaskLogReader(BwContext context) => _client = BatchClientFactory.Create(context);

    public async Task<string> ReadAsync(string jobId, string taskId, TaskLogStream stream, CancellationToken cancellationToken = default)
    {
        BatchIds.Validate(jobId, "Job");
        BatchIds.Validate(taskId, "Task");
        var file = stream == TaskLogStream.Stdout ? "stdout.txt" : "stderr.txt";
        var data = await BatchErrors.Guard($"Reading {file} of task '{taskId}' in job '{jobId}'", taskId,
            () => _client.GetTaskFileAsync(jobId, taskId, file, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return data.Value.ToString();
    }
}
