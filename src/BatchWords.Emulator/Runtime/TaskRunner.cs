using BatchWords.Emulator.Model;
using BatchWords.Emulator.State;

namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Runs one attempt of a job task on its node and records how it ended (§8.6): success; a non-zero exit retried
/// while maxTaskRetryCount allows; failure with FailureExitCode; maxWallClockTime (TaskEnded, servererror);
/// terminate (TaskEnded, usererror); a requeue when the node leaves. Output files are uploaded after the final
/// attempt, per uploadCondition; an upload failure fails the task but keeps its exit code. Whatever happens inside,
/// the task ends in a recorded state and its slots are released: an accepted task is never lost.
/// </summary>
public sealed class TaskRunner
{
    private readonly EmulatorRuntime _runtime;
    private readonly TaskExecution _execution;
    private readonly OutputFileUploader _uploader;

    public TaskRunner(EmulatorRuntime runtime, TaskExecution execution, OutputFileUploader uploader)
    {
        _runtime = runtime;
        _execution = execution;
        _uploader = uploader;
    }

    public static string TaskDirectory(TaskState task, NodeState node) =>
        Path.Combine(node.RootDirectory, "workitems", task.Job.Id, "job-1", task.Id);

    public async Task RunAsync(TaskState task, NodeState node, ProcessRun run)
    {
        var state = _runtime.State;
        ExecutionOutcome outcome;
        FailureInfo? uploadFailure = null;
        var willRetry = false;
        try
        {
            ExecutionPlan plan;
            lock (state.Gate) plan = Plan(task, node);
            outcome = await _execution.RunAsync(plan, run).ConfigureAwait(false);

            lock (state.Gate)
                willRetry = outcome is ExecutionOutcome.Exited { ExitCode: not 0 } && run.Reason == StopReason.None && !task.IsDeleted &&
                            (task.MaxTaskRetryCount == -1 || task.RetryCount < task.MaxTaskRetryCount);

            if (!willRetry && outcome is ExecutionOutcome.Exited or ExecutionOutcome.TimedOut)
            {
                var succeeded = outcome is ExecutionOutcome.Exited { ExitCode: 0 };
                try
                {
                    uploadFailure = await _uploader.UploadAsync(task.Spec.OutputFiles, plan.TaskDirectory, succeeded, run.StopToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (run.Reason != StopReason.None)
                {
                    outcome = new ExecutionOutcome.Stopped();
                }
            }
        }
        catch (Exception e)
        {
            _runtime.LogWarning("Task {Job}/{Task} failed inside the emulator: {Error}", task.Job.Id, task.Id, e.Message);
            outcome = new ExecutionOutcome.PreparationFailed(
                FailureInfos.Create("servererror", "TaskRunFailed", "The emulator could not run the task: " + e.Message));
        }

        lock (state.Gate) Record(task, node, run, outcome, uploadFailure, willRetry);
        run.MarkFinished();
        _runtime.Scheduler.Wake();
    }

    private ExecutionPlan Plan(TaskState task, NodeState node)
    {
        var directory = TaskDirectory(task, node);
        var environment = TaskEnvironment.Build(new TaskEnvironmentContext(
            _runtime.State.AccountName, _runtime.State.ListenUrl, node.Pool.Id, node.Id, node.IsDedicated, node.RootDirectory, directory,
            task.Job.Id, task.Id, task.Spec.UserIdentity, task.Job.Spec.CommonEnvironmentSettings, task.Spec.EnvironmentSettings));
        return new ExecutionPlan(directory, task.Spec.CommandLine!, task.Spec.ResourceFiles, environment, task.Spec.Constraints?.MaxWallClockTime);
    }

    /// <summary>Under the lock: release the slots, then move the task to where the outcome puts it.</summary>
    private void Record(TaskState task, NodeState node, ProcessRun run, ExecutionOutcome outcome, FailureInfo? uploadFailure, bool willRetry)
    {
        var state = _runtime.State;
        node.RunningTasks.Remove(task);
        node.RunningSlots -= task.RequiredSlots;
        task.Job.RunningTaskCount--;
        if (task.Run == run) task.Run = null;
        if (outcome is not ExecutionOutcome.Stopped) node.TotalTasksRun++;
        node.RefreshBusyState();

        if (!task.IsDeleted)
        {
            switch (outcome)
            {
                case ExecutionOutcome.Stopped when run.Reason == StopReason.Requeued:
                    task.RequeueCount++;
                    task.LastRequeueTime = EmulatorState.Now;
                    task.SetState("active", state);
                    task.Job.Pending.Add(task);
                    break;
                case ExecutionOutcome.Stopped when run.Reason == StopReason.Terminated:
                    Complete(task, null, FailureInfos.Create("usererror", "TaskEnded", "The task was ended by user request."));
                    break;
                case ExecutionOutcome.Stopped:
                    break; // shutdown: the emulator is going away with its state
                case ExecutionOutcome.PreparationFailed failed:
                    Complete(task, null, failed.Failure);
                    break;
                case ExecutionOutcome.TimedOut timedOut:
                    Complete(task, timedOut.ExitCode, FailureInfos.Create("servererror", "TaskEnded",
                        "The task ran longer than its maxWallClockTime and was ended."));
                    break;
                case ExecutionOutcome.Exited { ExitCode: var code } when code != 0 && willRetry:
                    task.RetryCount++;
                    task.LastRetryTime = EmulatorState.Now;
                    task.SetState("active", state);
                    task.Job.Pending.Add(task);
                    break;
                case ExecutionOutcome.Exited { ExitCode: var code } when code != 0:
                    Complete(task, code, FailureInfos.Create("usererror", "FailureExitCode", "The task process exited with an unexpected exit code",
                        ("Message", $"The task process exited with exit code {code}")));
                    break;
                case ExecutionOutcome.Exited:
                    Complete(task, 0, uploadFailure);
                    if (uploadFailure is null) node.TotalTasksSucceeded++;
                    break;
            }
            _runtime.Jobs.AfterTaskFinished(task.Job);
        }
        _runtime.Nodes.TryCompleteRemoval(node);
    }

    private void Complete(TaskState task, int? exitCode, FailureInfo? failure)
    {
        task.EndTime = EmulatorState.Now;
        task.ExitCode = exitCode;
        task.Failure = failure;
        task.Result = failure is null ? "success" : "failure";
        task.SetState("completed", _runtime.State);
    }

    /// <summary>Terminate of a task that never started (active): completed as ended by the user.</summary>
    public void CompleteUnstarted(TaskState task)
    {
        task.Job.Pending.Remove(task);
        Complete(task, null, FailureInfos.Create("usererror", "TaskEnded", "The task was ended by user request."));
        _runtime.Jobs.AfterTaskFinished(task.Job);
    }
}
