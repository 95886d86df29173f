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
    public static BwContext? GetContext(PSObject instance) => (instance?.BaseObject as BwResource)?.GetContext();
}
