namespace BatchWords;

/// <summary>
/// Base of every object that names something in an account (a container, an input blob, a pool, a job, a task,
/// a node, an autoscale run). It remembers the context Core read or created it through, so the next cmdlet of a
/// pipeline works on the same accounts without -Context, as Az.Storage objects carry their Context.
/// </summary>
/// <remarks>
/// The context is an internal property, not a public one, on purpose: ConvertTo-Json walks an object's public
/// .NET properties by reflection and Export-Clixml walks them through the adapter, and neither honours
/// System.Management.Automation.HiddenAttribute (checked in pwsh 7.6.10; Format-List * and Export-Csv do). So a
/// public property, hidden or not, would put a context blob in every JSON log and every Clixml file, and an
/// imported Clixml object would then fail to bind its deserialized context. The module's Types.ps1xml adds the
/// PowerShell-visible Context as a hidden CodeProperty over <see cref="GetContext"/>: hidden members are skipped by
/// views, Format-List *, Select-Object *, Export-Csv and ConvertTo-Json, yet still bind ValueFromPipelineByPropertyName.
/// This keeps Core free of System.Management.Automation (it is also used outside PowerShell: the xunit tests).
/// </remarks>
public abstract class BwResource
{
    /// <summary>Set by Core where it builds the object, from the context of the client that read or made it.</summary>
    internal BwContext? Context { get; init; }

    /// <summary>The accounts this object was read through; null for an object built outside Core without one.</summary>
    public BwContext? GetContext() => Context;
}
