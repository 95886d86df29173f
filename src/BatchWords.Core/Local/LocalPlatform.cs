using System.Runtime.InteropServices;

namespace BatchWords;

/// <summary>
/// The platform the Local backend runs on: linux-x64 only (the worker is a linux-x64 NativeAOT binary, the
/// emulator is published self-contained for linux-x64, and the launcher relies on /bin/sh and /proc). Elsewhere
/// the first local call stops with an error naming the platform and the alternative (Azure), instead of an
/// exception from deep inside the launcher. The Azure backend is plain .NET and is not checked.
/// </summary>
internal sealed record LocalPlatform(OSPlatform? OperatingSystem, Architecture Architecture)
{
    public static LocalPlatform Current { get; } = new(Detect(), RuntimeInformation.OSArchitecture);

    public bool IsSupported => OperatingSystem == OSPlatform.Linux && Architecture == Architecture.X64;

    /// <summary>"linux-x64", "osx-arm64", "win-x64"...: the name .NET gives the platform.</summary>
    public string Name
    {
        get
        {
            var os = OperatingSystem == OSPlatform.Linux ? "linux"
                : OperatingSystem == OSPlatform.OSX ? "osx"
                : OperatingSystem == OSPlatform.Windows ? "win"
                : OperatingSystem == OSPlatform.FreeBSD ? "freebsd"
                : RuntimeInformation.OSDescription;
            return $"{os}-{Architecture.ToString().ToLowerInvariant()}";
        }
    }

    public void EnsureSupported()
    {
        if (IsSupported) return;
        throw new BwException(BwErrorKind.NotImplemented, "LocalBackendNotSupportedOnPlatform",
            $"The Local backend (Azurite and the BatchWords Batch emulator) runs on linux-x64 only; this machine is {Name}.", Name,
            "Use Azure instead: Connect-BwAccount -StorageAccountName <name> -BatchAccountUrl <url> with a key or -UseEntraId (see Get-Help Connect-BwAccount). " +
            "The Azure backend works wherever PowerShell 7.4 or later runs.");
    }

    private static OSPlatform? Detect()
    {
        foreach (var platform in new[] { OSPlatform.Linux, OSPlatform.OSX, OSPlatform.Windows, OSPlatform.FreeBSD })
            if (RuntimeInformation.IsOSPlatform(platform)) return platform;
        return null;
    }
}
