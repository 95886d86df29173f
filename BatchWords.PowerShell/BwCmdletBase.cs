using System.Collections.Concurrent;
using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Base of every BatchWords cmdlet (<see cref="BwCmdlet"/> adds the account context): cancels Core calls when the
/// pipeline stops (Ctrl+C), writes Core's verbose lines from worker threads, and is the one place that turns
/// <see cref="BwException"/> into ErrorRecords with an id, a category, the offending value and what to do (as
/// Az.Batch's cmdlet base wraps ExecuteCmdletImpl once). A cmdlet overrides <see cref="ProcessRecordCore"/> and/or
/// <see cref="EndProcessingCore"/> and simply throws: a BwException that escapes is a non-terminating error unless
/// <see cref="IsTerminating"/> says otherwise; <see cref="ForEachTarget{T}"/> reports one failed target and goes
/// on with the others.
/// </summary>
public abstract class BwCmdletBase : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The cmdlet's work per pipeline record. Sealed ProcessRecord runs it under the error mapping.</summary>
    protected virtual void ProcessRecordCore() { }

    /// <summary>The cmdlet's work once all input has arrived. EndProcessing runs it under the error mapping.</summary>
    protected virtual void EndProcessingCore() { }

    protected sealed override void ProcessRecord() => MapErrors(ProcessRecordCore);

    protected sealed override void EndProcessing() => MapErrors(EndProcessingCore);

    /// <summary>
    /// Whether a failure stops the cmdlet (a statement-terminating error, as ThrowTerminatingError) rather than
    /// being written as a non-terminating error. Default: non-terminating. A cmdlet whose failures leave nothing
    /// sensible to go on with (Start-BwJob, Connect-BwAccount ...) overrides it.
    /// </summary>
    protected virtual bool IsTerminating(BwException error) => false;

    /// <summary>
    /// Runs <paramref name="process"/> for each target; a target that fails with a BwException is reported (one
    /// non-terminating error each, unless <see cref="IsTerminating"/>) and the others still run. With
    /// -ErrorAction Stop the first error stops the cmdlet, as PowerShell does for any non-terminating error.
    /// </summary>
    protected void ForEachTarget<T>(IEnumerable<T> targets, Action<T> process)
    {
        foreach (var target in targets)
        {
            try { process(target); }
            catch (BwException error) { Report(error); }
        }
    }

    private void MapErrors(Action body)
    {
        try { body(); }
        catch (BwException error) { Report(error); }
        FlushVerbose();
    }

    /// <summary>The one mapping of a Core failure to PowerShell's error streams.</summary>
    private void Report(BwException error)
    {
        FlushVerbose();
        var record = ToErrorRecord(error);
        if (IsTerminating(error)) ThrowTerminatingError(record);
        else WriteError(record);
    }

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    // Verbose lines that Core reports from worker threads: WriteVerbose works only on the pipeline thread,
    // so they are queued here and written by Run/Stream while they wait (PSCmdlet throws otherwise).
    private readonly ConcurrentQueue<string> _pendingVerbose = new();
    private readonly AutoResetEvent _verboseArrived = new(false);

    /// <summary>A Core log callback (PoolRequest.Log, WaitRequest.Log, ...) safe to call from any thread.</summary>
    protected Action<string> VerboseLog => line =>
    {
        _pendingVerbose.Enqueue(line);
        _verboseArrived.Set();
    };

    /// <summary>Runs a Core call to completion on the pipeline thread, honouring Ctrl+C and writing its verbose lines.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> call)
    {
        try { return Await(call(StopToken)); }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested) { throw new PipelineStoppedException(); }
    }

    /// <summary>Runs a Core call that returns nothing.</summary>
    protected void Run(Func<CancellationToken, Task> call) => Run<bool>(async ct => { await call(ct).ConfigureAwait(false); return true; });

    /// <summary>
    /// Streams a Core sequence on the pipeline thread, so WriteObject/WriteProgress/WriteError can be called
    /// for each item as it arrives (Core does the parallel work; the cmdlet only reports it).
    /// </summary>
    protected IEnumerable<T> Stream<T>(IAsyncEnumerable<T> source)
    {
        var enumerator = source.GetAsyncEnumerator(StopToken);
        try
        {
            while (true)
            {
                bool hasNext;
                try { hasNext = Await(enumerator.MoveNextAsync().AsTask()); }
                catch (OperationCanceledException) when (StopToken.IsCancellationRequested) { throw new PipelineStoppedException(); }
                if (!hasNext) yield break;
                yield return enumerator.Current;
            }
        }
        finally
        {
            Await(DisposeAsync(enumerator));
        }
    }

    private static async Task<bool> DisposeAsync(IAsyncDisposable disposable)
    {
        await disposable.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Blocks the pipeline thread until the task ends, writing queued verbose lines meanwhile.</summary>
    private T Await<T>(Task<T> task)
    {
        var handles = new[] { ((IAsyncResult)task).AsyncWaitHandle, _verboseArrived };
        while (!task.IsCompleted)
        {
            WaitHandle.WaitAny(handles);
            FlushVerbose();
        }
        FlushVerbose();
        return task.GetAwaiter().GetResult();
    }

    private void FlushVerbose()
    {
        while (_pendingVerbose.TryDequeue(out var line)) WriteVerbose(line);
    }

    /// <summary>
    /// Writes a non-terminating error that Core reported as a result rather than threw (a failed file of a
    /// transfer, a task that was not added): the cmdlet goes on.
    /// </summary>
    protected void WriteError(BwException error) => WriteError(ToErrorRecord(error));

    /// <summary>
    /// Stops the cmdlet with the error (statement-terminating) whatever <see cref="IsTerminating"/> says: for a failure
    /// that leaves the whole invocation nothing to work with (no account could be connected). Cmdlets otherwise throw.
    /// </summary>
    protected void ThrowTerminatingError(BwException error) => ThrowTerminatingError(ToErrorRecord(error));

    /// <summary>Builds an ErrorRecord from a Core failure: id, category, target and recommended action.</summary>
    protected internal static ErrorRecord ToErrorRecord(BwException error)
    {
        var record = new ErrorRecord(error, error.ErrorId, ToCategory(error.Kind), error.Target);
        if (error.RecommendedAction is not null)
            record.ErrorDetails = new ErrorDetails(error.Message) { RecommendedAction = error.RecommendedAction };
        return record;
    }

    /// <summary>An error record for bad input detected by the cmdlet itself.</summary>
    protected static ErrorRecord InvalidArgument(string errorId, string message, object? target, string recommendedAction)
        => ToErrorRecord(new BwException(BwErrorKind.InvalidArgument, errorId, message, target, recommendedAction));

    internal static ErrorCategory ToCategory(BwErrorKind kind) => kind switch
    {
        BwErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        BwErrorKind.InvalidData => ErrorCategory.InvalidData,
        BwErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        BwErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        BwErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        BwErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        BwErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        BwErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        BwErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        BwErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        BwErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        BwErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        BwErrorKind.ReadError => ErrorCategory.ReadError,
        BwErrorKind.WriteError => ErrorCategory.WriteError,
        BwErrorKind.TaskFailed => ErrorCategory.InvalidResult,
        BwErrorKind.NotInstalled => ErrorCategory.NotInstalled,
        BwErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };
}
