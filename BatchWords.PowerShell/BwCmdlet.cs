using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Base of the BatchWords cmdlets that work against accounts: resolves the account context (-Context, else the
/// session's current one, else the Local backend, connected on first use) and asks before destructive changes.
/// Error mapping, Ctrl+C and verbose lines come from <see cref="BwCmdletBase"/>.
/// </summary>
public abstract class BwCmdlet : BwCmdletBase
{
    /// <summary>
    /// The accounts to work against. Defaults to the session's current context (Connect-BwAccount). Binds by
    /// property name from every object that names a resource (their hidden Context property), so the next cmdlet
    /// of a pipeline works on the accounts the object came from. PowerShell binds it again for each piped object
    /// (and clears it for an object without one); a -Context typed on the command line is bound once and wins.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [PSDefaultValue(Help = "The piped object's context, else the session's current one (Connect-BwAccount), else the Local backend")]
    public BwContext? Context { get; set; }

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
        BwContext local;
        // Without an account nothing of this invocation can work: a failure to connect stops the cmdlet, whatever it
        // says of its other errors, rather than being tried again (and written again) for every target.
        try { local = Run(ct => Connections.ConnectLocalAsync(new LocalConnectOptions { Log = VerboseLog }, ct)); }
        catch (BwException error) { ThrowTerminatingError(error); throw; }
        SessionContext.Current = local;
        return local;
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
}
