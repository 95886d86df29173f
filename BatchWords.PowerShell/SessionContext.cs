using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace BatchWords.PowerShell;

/// <summary>
/// The context Connect-BwAccount made current, one per runspace, so two runspaces in one process
/// (ForEach-Object -Parallel, hosted engines) do not overwrite each other's accounts.
/// </summary>
internal static class SessionContext
{
    private sealed class Holder { public BwContext? Context; }
    private static readonly ConditionalWeakTable<Runspace, Holder> PerRunspace = new();
    private static readonly Holder NoRunspace = new();

    public static BwContext? Current
    {
        get => HolderFor().Context;
        set => HolderFor().Context = value;
    }

    private static Holder HolderFor()
    {
        var runspace = Runspace.DefaultRunspace;
        return runspace is null ? NoRunspace : PerRunspace.GetValue(runspace, _ => new Holder());
    }
}
