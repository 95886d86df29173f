namespace BatchWords;

/// <summary>What New-BwPool asks for. Defaults follow the tutorial where it still makes sense.</summary>
public sealed class PoolRequest
{
    public required string Id { get; init; }
    public string VmSize { get; init; } = "standard_d2s_v3";
    public int NodeCount { get; init; } = 1;
    public int TaskSlotsPerNode { get; init; } = 1;

    /// <summary>Spot (low-priority) nodes: far cheaper, but Azure may take them back (their tasks are requeued).</summary>
    public int SpotNodeCount { get; init; }

    /// <summary>When set, the pool is created with autoscale on and this formula sets both targets.</summary>
    public string? AutoScaleFormula { get; init; }

    /// <summary>How often Batch evaluates the formula (5 minutes to 168 hours; Batch's default 15 minutes when null).</summary>
    public TimeSpan? AutoScaleEvaluationInterval { get; init; }

    /// <summary>A reused pool whose targets differ from NodeCount/SpotNodeCount is resized to them (else only reported).</summary>
    public bool ResizeExisting { get; init; }

    /// <summary>publisher/offer/sku-prefix; the latest verified Linux image that matches is used.</summary>
    public string Image { get; init; } = "canonical/0001-com-ubuntu-server-jammy/22_04";

    /// <summary>The program the start task installs; null means the bundled worker.</summary>
    public string? ProgramPath { get; init; }

    /// <summary>The container the program is uploaded to (the tutorial's "application").</summary>
    public string ApplicationContainer { get; init; } = "application";

    /// <summary>How long the start task's read SAS stays valid; nodes that join later need it. Default 7 days.</summary>
    public TimeSpan ProgramSasValidity { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Receives one line per step (for -Verbose).</summary>
    public Action<string>? Log { get; init; }
}
