using System.Diagnostics;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace BatchWords.Bench;

/// <summary>
/// The scale bench's storage baselines (bench/Scale.Bench.ps1): a plain Azure.Storage.Blobs loop, as a user
/// would write it without BatchWords, against the same Azurite in the same run. Upload: every file of a
/// directory to a fresh container, one UploadAsync each; download: every blob of a container, one DownloadToAsync
/// each; both with the same parallelism BatchWords uses (8). Prints "BWBASELINE seconds count".
/// </summary>
internal static class StorageBaseline
{
    public const string Usage =
        "usage: BatchWords.Bench storage-baseline upload|download --endpoint <blob endpoint> --account <name> --key-file <file> --container <name> --dir <dir> [--parallel 8]";

    public static int Run(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 2; i + 1 < args.Length; i += 2) values[args[i]] = args[i + 1];
        string Get(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{name} is required\n{Usage}");
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = int.Parse(values.GetValueOrDefault("--parallel", "8")) };
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06);
        var service = new BlobServiceClient(new Uri(Get("--endpoint")), new StorageSharedKeyCredential(Get("--account"), File.ReadAllText(Get("--key-file")).Trim()), options);
        var container = service.GetBlobContainerClient(Get("--container"));
        var dir = Get("--dir");
        var clock = Stopwatch.StartNew();
        int count;
        if (args[1] == "upload")
        {
            container.CreateIfNotExists();
            var files = Directory.GetFiles(dir);
            count = files.Length;
            clock.Restart();
            Parallel.ForEachAsync(files, parallel, async (file, token) =>
                await container.GetBlobClient(Path.GetFileName(file)).UploadAsync(file, token)).GetAwaiter().GetResult();
        }
        else if (args[1] == "download")
        {
            Directory.CreateDirectory(dir);
            var names = container.GetBlobs().Select(b => b.Name).ToList();
            count = names.Count;
            Parallel.ForEachAsync(names, parallel, async (name, token) =>
                await container.GetBlobClient(name).DownloadToAsync(Path.Combine(dir, name), token)).GetAwaiter().GetResult();
        }
        else throw new ArgumentException(Usage);
        Console.WriteLine(FormattableString.Invariant($"BWBASELINE {clock.Elapsed.TotalSeconds:F3} {count}"));
        return 0;
    }
}
