namespace BatchWords.Emulator.Runtime;

/// <summary>Why an attempt was stopped from outside, which decides what the task becomes afterwards.</summary>
public enum StopReason
{
    None,

    /// <summary>Terminate task, job terminate, or a node removed with nodeDeallocationOption terminate: completed, TaskEnded usererror.</summary>
    Terminated,

    /// <summary>The task or its job was deleted: nothing is recorded, the directory goes.</summary>
    Deleted,

    /// <summary>Its node left the pool (pool deleted, resized with requeue): back to active, requeueCount + 1.</summary>
    Requeued,

    /// <summary>The emulator is stopping.</summary>
    Shutdown,
}

/// <summary>
/// One attempt of a task or start task in progress: how to stop it, why it was stopped, and when it is fully
/// finished (process gone and state updated), so "terminate" can answer only once the task is completed.
/// </summary>
public sealed class ProcessRun
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reason;

    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

    public CancellationToken StopToken => _stop.Token;

    public Task Finished => _finished.Task;

    /// <summary>The first reason wins. The kill itself runs off the caller's thread, which may hold the state lock.</summary>
    public void Stop(StopReason reason)
    {
        Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None);
        ThreadPool.QueueUserWorkItem(static s => ((CancellationTokenSource)s!).Cancel(), _stop);
    }

    public void MarkFinished() => _finished.TrySetResult();

    /// <summary>Waits for the attempt to wind up, at most <paramref name="timeout"/>.</summary>
    public async Task WaitFinishedAsync(TimeSpan timeout)
    {
        await Task.WhenAny(Finished, Task.Delay(timeout)).ConfigureAwait(false);
    }
}
