using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// The getter of the hidden Context CodeProperty that BatchWords.Types.ps1xml gives every <see cref="BwResource"/>
/// (pool, job, task, node, container, input file, autoscale run): it lets -Context of the next cmdlet bind by
/// property name, so 'Get-BwPool -Context $other | Remove-BwPool' works on $other. Hidden (IsHidden in the
/// types file), so views, Format-List *, Select-Object *, Export-Csv and ConvertTo-Json do not show it; the
/// types file also keeps it out of Export-Clixml. Why the context is not a public .NET property: see BwResource.
/// </summary>
public static class ResourceContextProperty
{
    /// <summary>
    /// Typed object, not BwContext: Import-Module reads this signature while it loads the types file, before the
    /// module's load context can resolve BatchWords.Core (DependencyLoadContext), so the signature must not name a
    /// Core type. The value is the BwContext itself, and -Context binds it as one.
    /// </summary>
    public static object? GetContext(PSObject instance) => ContextOf(instance?.BaseObject);

    private static BwContext? ContextOf(object? value) => (value as BwResource)?.GetContext();
}
