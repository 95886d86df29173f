namespace BatchWords.Emulator.Query;

/// <summary>
/// What each list lets $filter name (§3, "OData filters in Batch"), compared ignoring case. Anything else is
/// refused, so a filter that would silently match nothing on Azure fails loudly here too.
/// </summary>
public static class FilterableProperties
{
    private static IReadOnlySet<string> Set(params string[] names) => new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);

    public static readonly IReadOnlySet<string> Tasks = Set(
        "id", "state", "stateTransitionTime", "creationTime", "lastModified", "previousState", "displayName",
        "executionInfo/startTime", "executionInfo/endTime", "executionInfo/exitCode", "executionInfo/result",
        "executionInfo/retryCount", "executionInfo/requeueCount", "nodeInfo/nodeId");

    public static readonly IReadOnlySet<string> Jobs = Set(
        "id", "state", "stateTransitionTime", "creationTime", "lastModified", "previousState", "displayName", "priority",
        "executionInfo/startTime", "executionInfo/endTime", "executionInfo/poolId", "executionInfo/terminateReason");

    public static readonly IReadOnlySet<string> Pools = Set(
        "id", "state", "allocationState", "vmSize", "creationTime", "lastModified", "stateTransitionTime", "displayName",
        "enableAutoScale", "enableInterNodeCommunication");

    public static readonly IReadOnlySet<string> Nodes = Set(
        "id", "state", "schedulingState", "stateTransitionTime", "lastBootTime", "allocationTime", "isDedicated",
        "startTaskInfo/state", "startTaskInfo/result", "startTaskInfo/exitCode", "startTaskInfo/startTime", "startTaskInfo/endTime");

    public static readonly IReadOnlySet<string> SupportedImages = Set("osType", "verificationType", "nodeAgentSKUId");

    public static readonly IReadOnlySet<string> Files = Set("name");

    public static readonly IReadOnlySet<string> NodeCounts = Set("poolId");
}
