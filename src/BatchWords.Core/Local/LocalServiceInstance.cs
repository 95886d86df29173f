namespace BatchWords;

/// <summary>A running local service as a session uses it: its recorded state (endpoint, pid) and the account key to sign with.</summary>
internal sealed record LocalServiceInstance(LocalServiceState State, string AccountKey)
{
    public Uri Endpoint => State.Endpoint;

    // The key must never reach a log line or an error through a record's generated ToString.
    public override string ToString() => $"{State.Name} (pid {State.ProcessId}) at {State.Endpoint}";
}
