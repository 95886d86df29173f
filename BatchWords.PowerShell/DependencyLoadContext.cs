using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace BatchWords.PowerShell;

/// <summary>
/// Loads BatchWords.Core and its Azure SDK dependencies from the module's <c>dependencies/</c> folder into
/// a private AssemblyLoadContext, so the module works in a session where Az.Accounts (or anything else)
/// already loaded another Azure.Core into the default context. Without this, importing next to an older
/// Azure.Core fails with FileLoadException 0x80131040.
/// See "Resolving PowerShell module assembly dependency conflicts" in the PowerShell docs.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location)!;
    private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, "dependencies");
    private static readonly Lazy<DependencyLoadContext> Shared = new(() => new DependencyLoadContext());
    private static readonly Lazy<Dictionary<string, Version?>> FrameworkAssemblies = new(ReadFrameworkAssemblies);

    private DependencyLoadContext() : base("BatchWords.Dependencies", isCollectible: false) { }

    private static int _registered;

    /// <summary>
    /// Hooks the default context's resolution of BatchWords.Core (and only that assembly), once. Called by
    /// <see cref="ModuleImportHook"/> when Import-Module loads the assembly, and as a module initializer
    /// in case other code of this assembly runs first. A module initializer alone is not enough: it runs
    /// only when code of this assembly runs, and PowerShell reflects over the cmdlets' parameter types
    /// (Get-Command, Get-Help, binding) before it ever calls into them.
    /// </summary>
#pragma warning disable CA2255 // Deliberate: a library that must hook assembly resolution before its own types load.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) Default.Resolving += ResolveCoreFromDependencies;
    }

    private static Assembly? ResolveCoreFromDependencies(AssemblyLoadContext context, AssemblyName name)
    {
        if (!string.Equals(name.Name, "BatchWords.Core", StringComparison.Ordinal)) return null;
        return Shared.Value.LoadFromAssemblyPath(Path.Combine(DependencyDirectory, "BatchWords.Core.dll"));
    }

    protected override Assembly? Load(AssemblyName name)
    {
        // One copy of framework assemblies (System.Text.Json, System.Memory, ...): when the runtime
        // already has the same or a newer version, defer to it rather than load the polyfill.
        if (name.Name is not null && FrameworkAssemblies.Value.TryGetValue(name.Name, out var frameworkVersion)
            && (name.Version is null || frameworkVersion is null || frameworkVersion >= name.Version))
            return null;

        var path = Path.Combine(DependencyDirectory, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(DependencyDirectory, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }

    private static Dictionary<string, Version?> ReadFrameworkAssemblies()
    {
        var result = new Dictionary<string, Version?>(StringComparer.OrdinalIgnoreCase);
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (frameworkDir is null) return result;
        foreach (var file in Directory.EnumerateFiles(frameworkDir, "*.dll"))
        {
            try { result[Path.GetFileNameWithoutExtension(file)] = AssemblyName.GetAssemblyName(file).Version; }
            catch (BadImageFormatException) { /* native library in the framework folder */ }
        }
        return result;
    }
}
