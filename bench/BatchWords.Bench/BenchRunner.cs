using System.Globalization;
using System.Text;

namespace BatchWords.Bench;

/// <summary>
/// For each size: make (or reuse) the Zipf text, warm the page cache, then time on that same file the worker with one
/// thread and with every core, a Python collections.Counter program with the same rule, <c>wc -w</c> in the C and the
/// default locale (a scan that counts nothing: the floor) and <c>cat file &gt; /dev/null</c> (reading from the page
/// cache: the limit). Then the
/// worker's cold start on a small file. Results go to stdout and to results.md as a markdown table.
/// </summary>
public sealed class BenchRunner(BenchOptions options)
{
    private const double MB = 1_000_000; // sizes and rates are in SI megabytes
    private readonly StringBuilder _report = new();
    private readonly int _cores = Environment.ProcessorCount;
    private bool _allChecksPassed = true;

    public int Run()
    {
        if (!File.Exists(options.Worker)) throw new ArgumentException($"worker not found: {options.Worker}");
        Directory.CreateDirectory(options.OutDirectory);
        string python = Path.Combine(AppContext.BaseDirectory, "top_words_counter.py");

        Line("# Worker benchmark");
        Line();
        Line($"Machine: {CpuModel()}, {_cores} cores, {Environment.OSVersion}; worker {options.Worker} " +
             $"({new FileInfo(options.Worker).Length / 1024.0 / 1024.0:F1} MiB). Files: Zipf (s = 1) text over a 100,000-word " +
             $"vocabulary, page cache warm; each program runs {options.Repeat} times, round robin, and its best run is shown " +
             $"(CPU = user + sys of that run); " +
             $"MB = 10^6 bytes; peak RSS {(ChildProcess.CanMeasurePeakRss ? "from GNU time (%M)" : "not measured (install the Debian package 'time')")}; " +
             $"--numwords {options.NumWords}.");
        Line();

        foreach (int size in options.SizesMB) BenchSize(size, python);
        ColdStart();

        Line(_allChecksPassed ? "All result checks passed." : "**A result check FAILED: see above.**");
        File.WriteAllText(Path.Combine(options.OutDirectory, "results.md"), _report.ToString());
        return _allChecksPassed ? 0 : 1;
    }

    private void BenchSize(int sizeMB, string python)
    {
        string file = EnsureText(sizeMB);
        long bytes = new FileInfo(file).Length;
        ChildProcess.Run("cat", file); // warm the page cache

        string Output(string who) => Path.Combine(options.OutDirectory, $"zipf-{sizeMB}MB.{who}.txt");
        string[] WorkerArgs(string who, int threads) =>
            ["--filepath", file, "--numwords", Num(options.NumWords), "--output", Output(who), "--threads", Num(threads)];

        var programs = new (string Name, int Repeat, string Program, string[] Args)[]
        {
            ($"worker, {_cores} threads", options.Repeat, options.Worker, WorkerArgs($"worker-{_cores}t", _cores)),
            ("worker, 1 thread", options.Repeat, options.Worker, WorkerArgs("worker-1t", 1)),
            ("Python collections.Counter, same rule", options.Repeat, options.Python,
                [python, "--filepath", file, "--numwords", Num(options.NumWords), "--output", Output("python")]),
            // The floor: a scan that counts nothing. Both locales, since either can be the faster (C.UTF-8 is, here).
            ("wc -w, LC_ALL=C", options.Repeat, "env", ["LC_ALL=C", "wc", "-w", file]),
            ($"wc -w, {Environment.GetEnvironmentVariable("LANG") ?? "default"} locale", options.Repeat, "wc", ["-w", file]),
            ("cat file > /dev/null (the limit)", options.Repeat, "cat", [file]),
        };

        // Round robin: each round runs every program once, so load from elsewhere on the machine falls on all of them
        // alike rather than on whichever happened to run during it. Each row is then the program's best run: on a
        // shared machine the other runs measure the neighbours as much as the program, and every program gets the
        // same number of tries.
        string loadBefore = LoadAverage();
        var runs = programs.Select(_ => new List<RunResult>()).ToArray();
        for (int round = 0; round < programs.Max(p => p.Repeat); round++)
        {
            for (int i = 0; i < programs.Length; i++)
            {
                if (round >= programs[i].Repeat) continue;
                RunResult run = Run(programs[i].Program, programs[i].Args);
                Console.Error.WriteLine($"    {programs[i].Name}: {run.Elapsed.TotalSeconds:F3} s, {run.PeakRssKiB / 1024.0:F1} MiB");
                runs[i].Add(run);
            }
        }
        var rows = programs.Select((p, i) => (p.Name, Result: runs[i].MinBy(r => r.Elapsed))).ToList();

        Line($"## {sizeMB} MB ({bytes:N0} bytes)");
        Line();
        Line($"| program | time (s) | MB/s | CPU (s) | peak RSS (MB) | time / worker's ({_cores} threads) |");
        Line("|---|---:|---:|---:|---:|---:|");
        TimeSpan best = rows[0].Result.Elapsed;
        foreach ((string name, RunResult r) in rows)
        {
            Line($"| {name} | {r.Elapsed.TotalSeconds:F3} | {bytes / MB / r.Elapsed.TotalSeconds:F0} | {(double.IsNaN(r.CpuSeconds) ? "n/a" : r.CpuSeconds.ToString("F2", CultureInfo.InvariantCulture))} | {Rss(r)} | {r.Elapsed / best:F2} |");
        }
        Line();
        double Ratio(int row) => rows[row].Result.Elapsed / best;
        long peak = rows.Take(2).Max(r => r.Result.PeakRssKiB);
        double wc = Math.Min(Ratio(3), Ratio(4)); // against the faster wc
        Line($"Targets: {Ratio(2):F1}x the throughput of Python (target 20x) {Mark(Ratio(2) >= 20)}; {wc:F2}x the faster wc -w " +
             $"(target 1x) {Mark(wc >= 1)}; {1 / Ratio(5):F2}x the time of cat from the page cache (the limit); one " +
             $"thread takes {rows[1].Result.Elapsed / best:F2}x the time of {_cores}; peak RSS of the worker " +
             $"{(peak < 0 ? "unknown" : $"{peak * 1024 / MB:F1} MB")} (target < 100 MB) {(peak < 0 ? "" : Mark(peak * 1024 < 100 * MB))}. " +
             $"Load average before/after: {loadBefore} / {LoadAverage()}.");
        Check($"worker output ({_cores} threads) equals the Python program's", Output($"worker-{_cores}t"), Output("python"));
        Check("worker output (1 thread) equals the worker's with every core", Output("worker-1t"), Output($"worker-{_cores}t"));
        Line();
    }

    private void ColdStart()
    {
        string small = SmallFile();
        string output = Path.Combine(options.OutDirectory, "cold-start_OUTPUT.txt");
        string[] args = ["--filepath", small, "--numwords", "3", "--output", output];
        ChildProcess.Run(options.Worker, args);
        // Spawned directly (not through GNU time), so the figure is the worker's start, run and exit alone.
        var times = Enumerable.Range(0, options.ColdRuns).Select(_ => RunUnmeasured(options.Worker, args).Elapsed.TotalMilliseconds).Order().ToArray();
        var baseline = Enumerable.Range(0, options.ColdRuns).Select(_ => RunUnmeasured("true").Elapsed.TotalMilliseconds).Order().ToArray();
        Line($"## Cold start ({Path.GetFileName(small)}, {new FileInfo(small).Length:N0} bytes, {options.ColdRuns} runs)");
        Line();
        Line("| program | median (ms) | p90 (ms) | max (ms) |");
        Line("|---|---:|---:|---:|");
        Line($"| worker --numwords 3 | {Median(times):F2} | {P90(times):F2} | {times[^1]:F2} |");
        Line($"| true (process start alone) | {Median(baseline):F2} | {P90(baseline):F2} | {baseline[^1]:F2} |");
        Line();
        Line($"Target: median under 20 ms {Mark(Median(times) < 20)}.");
        Line();
    }

    private static RunResult Run(string program, params string[] args) => Checked(ChildProcess.RunMeasured(program, args), program, args);

    private static RunResult RunUnmeasured(string program, params string[] args) => Checked(ChildProcess.Run(program, args), program, args);

    private static RunResult Checked(RunResult result, string program, string[] args)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {result.ExitCode}");
        return result;
    }

    private string EnsureText(int sizeMB)
    {
        string file = Path.Combine(options.OutDirectory, $"zipf-{sizeMB}MB.txt");
        string marker = file + $".v{ZipfTextGenerator.Version}";
        if (!File.Exists(file) || !File.Exists(marker))
        {
            // A mistyped size (build.ps1 -BenchSizeMB '100,1000' binds as 1001000) must not fill the disk.
            long free = new DriveInfo(Path.GetPathRoot(file)!).AvailableFreeSpace;
            if (sizeMB * MB > free - 1e9)
            {
                throw new ArgumentException($"--sizes: {sizeMB} MB does not fit in the {free / MB:F0} MB free under {options.OutDirectory}");
            }
            Console.Error.WriteLine($"==> generating {file}");
            new ZipfTextGenerator().WriteFile(file, (long)(sizeMB * MB));
            File.WriteAllText(marker, "");
        }
        return file;
    }

    private string SmallFile()
    {
        // The tutorial's own input when the shared data is beside the repository, else a small Zipf text.
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "..", "shared", "tutorial-data", "taskdata1.txt");
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        string file = Path.Combine(options.OutDirectory, "small.txt");
        if (!File.Exists(file)) new ZipfTextGenerator().WriteFile(file, 2_000);
        return file;
    }

    private void Check(string what, string actual, string expected)
    {
        bool same = File.ReadAllBytes(actual).AsSpan().SequenceEqual(File.ReadAllBytes(expected));
        _allChecksPassed &= same;
        Line($"Check: {what}: {(same ? "yes" : $"**NO** (compare {actual} with {expected})")}.");
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    private static string Rss(RunResult r) => r.PeakRssKiB < 0 ? "n/a" : (r.PeakRssKiB * 1024 / MB).ToString("F1", CultureInfo.InvariantCulture);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Mark(bool met) => met ? "(met)" : "(**not met**)";
    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
    private static double Median(double[] sorted) => sorted[sorted.Length / 2];
    private static double P90(double[] sorted) => sorted[(int)(sorted.Length * 0.9)];

    private void Line(string text = "")
    {
        Console.WriteLine(text);
        _report.Append(text).Append('\n');
    }
}
