// Times the worker payload side by side with its baselines on the same files in one run, and checks its result.
// See BenchRunner for what is measured and how.
using BatchWords.Bench;

try
{
    if (args.Length > 1 && args[0] == "storage-baseline") return StorageBaseline.Run(args);
    BenchOptions options = BenchOptions.Parse(args);
    return new BenchRunner(options).Run();
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
