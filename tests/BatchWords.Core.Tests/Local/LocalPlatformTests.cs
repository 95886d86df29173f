using System.Runtime.InteropServices;
using Xunit;

namespace BatchWords.Core.Tests.Local;

/// <summary>The Local backend's platform check, with the platform given instead of detected.</summary>
public sealed class LocalPlatformTests
{
    [Fact]
    public void Linux_x64_is_supported()
    {
        new LocalPlatform(OSPlatform.Linux, Architecture.X64).EnsureSupported();
    }

    [Theory]
    [InlineData("OSX", Architecture.Arm64, "osx-arm64")]
    [InlineData("WINDOWS", Architecture.X64, "win-x64")]
    [InlineData("LINUX", Architecture.Arm64, "linux-arm64")]
    public void Elsewhere_the_error_names_the_platform_and_the_Azure_alternative(string os, Architecture architecture, string name)
    {
        var platform = new LocalPlatform(OSPlatform.Create(os), architecture);

        var error = Assert.Throws<BwException>(platform.EnsureSupported);

        Assert.Equal("LocalBackendNotSupportedOnPlatform", error.ErrorId);
        Assert.Equal(BwErrorKind.NotImplemented, error.Kind);
        Assert.Equal(name, error.Target);
        Assert.Contains(name, error.Message);
        Assert.Contains("linux-x64", error.Message);
        Assert.Contains("Connect-BwAccount", error.RecommendedAction);
    }
}
