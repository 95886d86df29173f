using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.State;

/// <summary>A pool: its create request, its targets and state, and the nodes allocated to it.</summary>
public sealed class PoolState : VersionedEntity
{
    public PoolState(PoolCreateRequest spec, long sequence, string eTag, DateTimeOffset now, string directory)
        : base(eTag, now, "active")
    {
        Spec = spec;
        Id = spec.Id!;
        Sequence = sequence;
        CreationTime = AllocationStateTransitionTime = now;
        Directory = directory;
        TargetDedicatedNodes = spec.TargetDedicatedNodes ?? 0;
        TargetLowPriorityNodes = spec.TargetLowPriorityNodes ?? 0;
        ResizeTimeout = spec.ResizeTimeout ?? TimeSpan.FromMinutes(15);
        TaskSlotsPerNode = spec.TaskSlotsPerNode ?? 1;
        NodeFillType = spec.TaskSchedulingPolicy?.NodeFillType ?? "spread";
    }

    public string Id { get; }
    public long Sequence { get; }
    public PoolCreateRequest Spec { get; }

    /// <summary>&lt;data&gt;/pools/&lt;poolId&gt;: every node's root directory lives below it.</summary>
    public string Directory { get; }

    public DateTimeOffset CreationTime { get; }
    public string AllocationState { get; set; } = "resizing";
    public DateTimeOffset AllocationStateTransitionTime { get; set; }
    public int TargetDedicatedNodes { get; set; }
    public int TargetLowPriorityNodes { get; set; }
    public TimeSpan ResizeTimeout { get; set; }
    public int TaskSlotsPerNode { get; }
    public string NodeFillType { get; }
    public List<NodeState> Nodes { get; } = new();
    public int NextNodeIndex { get; set; }

    public bool IsDeleting => State == "deleting";

    /// <summary>Set while the removal of a deleting, empty pool waits for the end of its transient stay.</summary>
    public bool RemovalScheduled { get; set; }

    /// <summary>Autoscale settings and last run while autoscale is enabled; null when the targets are set by hand.</summary>
    public AutoScale.PoolAutoScaleState? AutoScale { get; set; }

    public void SetAllocationState(string allocationState, EmulatorState state)
    {
        if (AllocationState == allocationState) return;
        AllocationState = allocationState;
        AllocationStateTransitionTime = EmulatorState.Now;
        Touch(state);
    }

    public PoolResponse ToResponse(string baseUrl) => new()
    {
        Id = Id,
        DisplayName = Spec.DisplayName,
        Url = $"{baseUrl}/pools/{Id}",
        ETag = ETag,
        LastModified = LastModified,
        CreationTime = CreationTime,
        State = State,
        StateTransitionTime = StateTransitionTime,
        AllocationState = AllocationState,
        AllocationStateTransitionTime = AllocationStateTransitionTime,
        VmSize = Spec.VmSize,
        VirtualMachineConfiguration = Spec.VirtualMachineConfiguration,
        ResizeTimeout = ResizeTimeout,
        CurrentDedicatedNodes = Nodes.Count(n => n.IsDedicated && !n.IsLeaving),
        CurrentLowPriorityNodes = Nodes.Count(n => !n.IsDedicated && !n.IsLeaving),
        TargetDedicatedNodes = TargetDedicatedNodes,
        TargetLowPriorityNodes = TargetLowPriorityNodes,
        EnableAutoScale = AutoScale is not null,
        AutoScaleFormula = AutoScale?.Formula,
        AutoScaleEvaluationInterval = AutoScale?.EvaluationInterval,
        AutoScaleRun = AutoScale?.LastRun,
        EnableInterNodeCommunication = Spec.EnableInterNodeCommunication ?? false,
        StartTask = Spec.StartTask,
        TaskSlotsPerNode = TaskSlotsPerNode,
        TaskSchedulingPolicy = new TaskSchedulingPolicy { NodeFillType = NodeFillType },
        Metadata = Spec.Metadata,
    };
}
