namespace BatchWords.Emulator.Runtime;

/// <summary>
/// Gives the memory of deleted jobs back to the system. Once a job is removed its task records are garbage, but a
/// heap that grew while the job was listed keeps its memory committed (the process's RSS stays where it peaked)
/// until a collection decides to return it, which an idle emulator may never do. After at least
/// <see cref="Threshold"/> task records went, one aggressive, compacting full collection runs in the background
/// (a burst of deletions costs one), returning the freed segments at once.
/// </summary>
public sealed class MemoryReleaser
{
    public const int Threshold = 1000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private int _released;
    private int _scheduled;
    private int _collections;

    /// <summary>How many of these collections ran (for the tests).</summary>
    public int Collections => Volatile.Read(ref _collections);

    /// <summary>Under the lock or not: <paramref name="taskRecords"/> task records are no longer referenced.</summary>
    public void Released(int taskRecords)
    {
        if (Interlocked.Add(ref _released, taskRecords) < Threshold) return;
        if (Interlocked.Exchange(ref _scheduled, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(Settle).ConfigureAwait(false); // let the removal's answer and journal write go first
            Interlocked.Exchange(ref _released, 0);
            Volatile.Write(ref _scheduled, 0);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Interlocked.Increment(ref _collections);
        });
    }
}
