using System.Runtime.CompilerServices;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// Isolates the whole test assembly from the developer's machine before any test code runs: BATCHWORDS_HOME
/// points at a fresh temporary directory, so the local stack's state (Azurite's data, state and log files)
/// never touches ~/.batchwords and every run starts clean, as CI does. Child processes (the out-of-process
/// tests) inherit it and so find the same local stack. <see cref="LocalStackFixture"/> deletes it at the end.
/// </summary>
internal static class TestEnvironment
{
    public static string BatchWordsHome { get; private set; } = string.Empty;

#pragma warning disable CA2255 // A module initializer is the one hook that runs before every test class and fixture.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Isolate()
    {
        BatchWordsHome = Path.Combine(Path.GetTempPath(), $"bw-pstests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
        Environment.SetEnvironmentVariable("BATCHWORDS_HOME", BatchWordsHome);
    }
}
