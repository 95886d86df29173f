using System.Collections.Concurrent;
using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Base of every BatchWords cmdlet: resolves the account context (-Context, else the session's current
/// one, else the Local backend, connected on first use), cancels Core calls when the pipeline stops
/// (Ctrl+C), and turns <see cref="BwException"/> into ErrorRecords with a category, the offending value
/// and what to do.
/// </summary>
public abstract class BwCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// The accounts to work against. Defaults to the session's current context (Connect-BwAccount). Binds by
    /// property name from every object that names a resource (their hidden Context property), so the next cmdlet
    /// of a pipeline works on the accounts the object came from. PowerShell binds it again for each piped object
    /// (and clears it for an object without one); a -Context typed on the command line is bound once and wins.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [PSDefaultValue(Help = "The piped object's context, else the session's current one (Connect-BwAccount), else the Local backend")]
    public BwContext? Context { get; set; }

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

    /// <summary>
    /// The context of the current pipeline object: -Context (typed, or bound from the piped object), then the
    /// session's, then Local (started on demand). Call it per record (ProcessRecord): at EndProcessing -Context
    /// still holds whatever the last piped object bound, so cmdlets that act at the end keep
    /// <see cref="RecordContext"/> per object and resolve it with <see cref="ResolveContext(BwContext?)"/>.
    /// </summary>
    protected BwContext ResolveContext() => ResolveContext(RecordContext);

    /// <summary>The context the current pipeline object names, without connecting anything: null when it names none and no account is connected.</summary>
    protected BwContext? RecordContext => Context ?? SessionContext.Current;

    /// <summary>A context kept from <see cref="RecordContext"/>, else the session's, else Local (started on demand).</summary>
    protected BwContext ResolveContext(BwContext? recorded)
    {
        if (recorded is not null) return recorded;
        var current = SessionContext.Current;
        if (current is not null) return current;
        WriteVerbose("No account is connected in this session: connecting to the Local backend (Azurite and the BatchWords emulator).");
        var local = Run(ct => Connections.ConnectLocalAsync(new LocalConnectOptions { Log = VerboseLog }, ct));
        SessionContext.Current = local;
        return local;
    }

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

    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>
    /// The confirmation of a destructive ConfirmImpact High cmdlet with a -Force switch, asked at most once:
    /// -WhatIf always wins (it reports and changes nothing, -Force or not). -Force without -Confirm is the
    /// answer itself: ShouldProcess is not called, because at ConfirmImpact High it would prompt anyway (and
    /// fail with HostFunctionNotImplemented where nobody can answer). Otherwise ShouldProcess asks at the
    /// default $ConfirmPreference, and ShouldContinue asks only when it did not ($ConfirmPreference None, as
    /// automation sets it) and -Confirm was not given.
    /// </summary>
    protected bool ConfirmDestructive(string target, string action, string question, bool force)
    {
        var confirmBound = MyInvocation.BoundParameters.ContainsKey("Confirm");
        if (force && !confirmBound)
        {
            var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
                ? LanguagePrimitives.IsTrue(bound)
                : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
            if (whatIf)
            {
                ShouldProcess(target, action);
                return false;
            }
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\" (-Force).");
            return true;
        }
        if (!ShouldProcess(target, action)) return false;
        if (force || confirmBound) return true;
        var preference = SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact impact ? impact : ConfirmImpact.High;
        var shouldProcessAsked = preference != ConfirmImpact.None && preference <= ConfirmImpact.High;
        return shouldProcessAsked || ShouldContinue(question, action, ref _yesToAll, ref _noToAll);
    }

    /// <summary>Writes a non-terminating error for one failed item; the cmdlet goes on with the others.</summary>
    protected void WriteError(BwException error) => WriteError(ToErrorRecord(error));

    /// <summary>Stops the cmdlet with the error (statement-terminating).</summary>
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
