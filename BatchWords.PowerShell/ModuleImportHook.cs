using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Runs when Import-Module loads the cmdlet assembly, before any cmdlet's parameters are inspected, and
/// puts the load-context hook for BatchWords.Core in place (see <see cref="DependencyLoadContext"/>).
/// Nothing in this assembly's exported types may need Core at type-load time (a property of a Core enum type,
/// a field of a value type built from Core types such as a (BwContext, string) tuple): PowerShell enumerates
/// the exported types before it calls this. The build's help step imports the module and catches it.
/// </summary>
public sealed class ModuleImportHook : IModuleAssemblyInitializer
{
    public void OnImport() => DependencyLoadContext.Register();
}
