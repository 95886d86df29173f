using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BatchWords.Bench;

/// <summary>What one run of a program cost: wall time, peak resident memory and exit code.</summary>
public readonly record struct RunResult(TimeSpan Elapsed, long PeakRssKiB, int ExitCode, double CpuSeconds = double.NaN);

/// <summary>
/// Runs a program with posix_spawn, stdout to /dev/null, and reaps it with wait4: wall time without the cost of
/// System.Diagnostics.Process's pipes and threads. Linux only, like the worker's nodes.
/// </summary>
/// <remarks>
/// Peak RSS: a child's ru_maxrss starts from the address space it was spawned from (exec keeps the old space's
/// high-water mark), so a child of this .NET process reports at least this process's own RSS, about 55 MB. The peak
/// is therefore measured through GNU time (<c>/usr/bin/time -f %M</c>, Debian package "time"), a small process whose
/// children start from its own 2 MB; without it the peak is reported as unknown (-1).
/// </remarks>
public static class ChildProcess
{
    private const int O_WRONLY = 1;
    private const string GnuTime = "/usr/bin/time";

    public static bool CanMeasurePeakRss => File.Exists(GnuTime);

    /// <summary>Runs <paramref name="program"/> and measures its peak RSS and CPU time through GNU time when it is installed.</summary>
    public static RunResult RunMeasured(string program, params string[] arguments)
    {
        if (!CanMeasurePeakRss) return Run(program, arguments) with { PeakRssKiB = -1 };
        string report = Path.GetTempFileName();
        try
        {
            RunResult run = Run(GnuTime, ["-f", "%M %U %S", "-o", report, program, .. arguments]);
            string[] lines = File.ReadAllLines(report);
            // On failure GNU time writes "Command exited with non-zero status N" before the figures.
            string[] figures = lines.Length > 0 ? lines[^1].Split(' ') : [];
            if (figures.Length != 3) return run with { PeakRssKiB = -1 };
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            return run with
            {
                PeakRssKiB = long.Parse(figures[0], invariant),
                CpuSeconds = double.Parse(figures[1], invariant) + double.Parse(figures[2], invariant),
            };
        }
        finally
        {
            File.Delete(report);
        }
    }

    /// <summary>Runs <paramref name="program"/> (looked up on PATH) with stdout sent to /dev/null.</summary>
    public static RunResult Run(string program, params string[] arguments)
    {
        IntPtr[] argv = [.. new[] { program }.Concat(arguments).Select(Marshal.StringToCoTaskMemUTF8), IntPtr.Zero];
        IntPtr[] envp =
        [
            .. Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Select(e => Marshal.StringToCoTaskMemUTF8($"{e.Key}={e.Value}")),
            IntPtr.Zero,
        ];
        IntPtr actions = Marshal.AllocHGlobal(256); // glibc's posix_spawn_file_actions_t is 80 bytes
        IntPtr usage = Marshal.AllocHGlobal(256);   // struct rusage is 144 bytes on x86-64 and arm64
        try
        {
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Check(posix_spawn_file_actions_addopen(actions, 1, "/dev/null", O_WRONLY, 0), "posix_spawn_file_actions_addopen");
            var clock = Stopwatch.StartNew();
            Check(posix_spawnp(out int pid, program, actions, IntPtr.Zero, argv, envp), $"posix_spawnp {program}");
            int reaped;
            int status;
            while ((reaped = wait4(pid, out status, 0, usage)) < 0 && Marshal.GetLastPInvokeError() == 4 /* EINTR */) { }
            clock.Stop();
            if (reaped != pid) throw new InvalidOperationException($"wait4 failed for {program}: errno {Marshal.GetLastPInvokeError()}");
            long maxRss = Marshal.ReadInt64(usage, 32); // after ru_utime and ru_stime (two struct timeval)
            int exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F);
            return new RunResult(clock.Elapsed, maxRss, exitCode);
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            Marshal.FreeHGlobal(actions);
            Marshal.FreeHGlobal(usage);
            foreach (IntPtr p in argv.Concat(envp)) Marshal.FreeCoTaskMem(p);
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0) throw new InvalidOperationException($"{what} failed: errno {error}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_spawnp(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string file, IntPtr fileActions, IntPtr attributes, IntPtr[] argv, IntPtr[] envp);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_init(IntPtr actions);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_addopen(IntPtr actions, int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_destroy(IntPtr actions);

    [DllImport("libc", SetLastError = true)]
    private static extern int wait4(int pid, out int status, int options, IntPtr usage);
}
