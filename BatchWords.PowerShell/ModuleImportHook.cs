using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Runs when Import-Module loads the cmdlet assembly, before any cmdlet's parameters are inspected, and
/// puts the load-context hook for BatchWords.Core in place (see <see cref="DependencyLoadContext"/>).
/// Nothing in this assembly's exported types may need Core at type-load time (for example a property of a
/// Core enum type): PowerShell enumerates the exported types before it calls this.
/// </summary>
public sealed class ModuleImportHook : IModuleAssemblyInitializer
{
    public void OnImport() => DependencyLoadContext.Register();
}
