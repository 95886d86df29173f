using Xunit;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// Waits for something the emulator does in the background (nodes starting, a killed process going away),
/// checking every 100 ms. The limit is a guard against a hang, far above what it takes; not a timing assertion.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>Returns once <paramref name="condition"/> holds; fails with <paramref name="what"/> (and the last state) at the guard.</summary>
    public static void True(Func<bool> condition, string what, Func<string>? describe = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Guard) Assert.Fail($"Not true within {Guard}: {what}{(describe is null ? "" : "\n" + describe())}");
            Thread.Sleep(100);
        }
    }
}
