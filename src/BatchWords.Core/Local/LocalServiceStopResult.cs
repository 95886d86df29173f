namespace BatchWords;

/// <summary>What happened when a local service was asked to stop.</summary>
public enum LocalServiceStopStatus
{
    /// <summary>It exited after SIGTERM.</summary>
    Stopped,
    /// <summary>No instance was recorded or the recorded process is gone.</summary>
    NotRunning,
    /// <summary>It did not exit within the wait (it was not killed: a kill can lose Azurite's recent writes).</summary>
    StillRunning,
}

/// <summary>The outcome of stopping one local service.</summary>
public sealed record LocalServiceStopResult(string Name, int? ProcessId, LocalServiceStopStatus StatusKind)
{
    /// <summary>Stopped, NotRunning or StillRunning: a <see cref="LocalServiceStopStatus"/> name, as a string so ConvertTo-Json writes the name.</summary>
    public string Status => StatusKind.ToString();

    internal LocalServiceStopStatus StatusKind { get; init; } = StatusKind;

    /// <summary>
    /// Which local stack the service belongs to: the name of its state folder under BATCHWORDS_HOME, "local" or
    /// "local-entra" (Connect-BwAccount -Local -UseEntraId). Both stacks run an azurite and a batch emulator, so
    /// without it Disconnect-BwAccount -StopLocalServices would report two rows that cannot be told apart.
    /// </summary>
    public string Stack { get; init; } = string.Empty;
}
