namespace BatchWords.Emulator.Tests.Infrastructure;

/// <summary>
/// Waits for a condition the emulator reaches asynchronously (a node going idle, a task completing). The limit is
/// generous and only guards against a hang: no test asserts how long anything takes.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what}; last value: {value}");
            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what) =>
        GetAsync(() => Task.FromResult(condition()), ok => ok, what);
}
