namespace BatchWords.Emulator.State;

/// <summary>
/// What pools, jobs and tasks share (§4, §11.4): an ETag and lastModified that change with every update of the
/// entity's own data, and a state whose every transition records the previous state and its time.
/// </summary>
public abstract class VersionedEntity
{
    protected VersionedEntity(string eTag, DateTimeOffset now, string initialState)
    {
        ETag = eTag;
        LastModified = StateTransitionTime = now;
        State = initialState;
    }

    public string ETag { get; private set; }
    public DateTimeOffset LastModified { get; private set; }
    public string State { get; private set; }
    public DateTimeOffset StateTransitionTime { get; private set; }

    /// <summary>Absent while the entity is still in its first state.</summary>
    public string? PreviousState { get; private set; }

    public DateTimeOffset? PreviousStateTransitionTime { get; private set; }

    public void Touch(EmulatorState emulator)
    {
        ETag = emulator.NewETag();
        LastModified = EmulatorState.Now;
        // Every update of a pool, job or task comes through here: the journal writes it before the next answer.
        emulator.Changed(this);
    }

    /// <summary>The version and state as the journal keeps them.</summary>
    internal Durability.VersionRecord ToVersionRecord() => new()
    {
        ETag = ETag,
        LastModified = LastModified,
        State = State,
        StateTransitionTime = StateTransitionTime,
        PreviousState = PreviousState,
        PreviousStateTransitionTime = PreviousStateTransitionTime,
    };

    /// <summary>At start, from the journal: the entity as it was, with no transition hooks run.</summary>
    internal void RestoreVersion(Durability.VersionRecord version)
    {
        ETag = version.ETag;
        LastModified = version.LastModified;
        State = version.State;
        StateTransitionTime = version.StateTransitionTime;
        PreviousState = version.PreviousState;
        PreviousStateTransitionTime = version.PreviousStateTransitionTime;
    }

    public void SetState(string state, EmulatorState emulator)
    {
        if (State == state) return;
        OnStateChanging(State, state);
        PreviousState = State;
        PreviousStateTransitionTime = StateTransitionTime;
        State = state;
        StateTransitionTime = EmulatorState.Now;
        Touch(emulator);
    }

    protected virtual void OnStateChanging(string from, string to) { }
}
