namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>
/// A small shell program to install on a pool in place of the worker (<c>New-BwPool -Program</c>). The start task
/// copies it into $AZ_BATCH_NODE_SHARED_DIR and each task runs it as the worker is run
/// (<c>"$AZ_BATCH_NODE_SHARED_DIR/&lt;program&gt;" --filepath "&lt;input&gt;" --numwords N --rule tutorial</c>), so what
/// it does is chosen by the first line of the task's input file:
/// <list type="bullet">
/// <item><c>exit N</c>: writes a line to stdout and one to stderr, then exits with code N;</item>
/// <item><c>sleep</c>: writes its pid to <c>&lt;pid directory&gt;/&lt;job id&gt;.&lt;task id&gt;.pid</c> and sleeps for
/// ten minutes (as that same process, so the pid is the task process's);</item>
/// <item>anything else: writes {stem}_OUTPUT{ext} in the tutorial's format, listing the first line as the one
/// word with a count of 1, and exits 0.</item>
/// </list>
/// </summary>
public sealed class FakeWorker
{
    private FakeWorker(string path, string pidDirectory)
    {
        Path = path;
        PidDirectory = pidDirectory;
    }

    /// <summary>The program file to pass to New-BwPool -Program.</summary>
    public string Path { get; }

    /// <summary>Where sleeping tasks write their pid.</summary>
    public string PidDirectory { get; }

    /// <summary>Writes the program as <paramref name="fileName"/> in <paramref name="directory"/> (executable).</summary>
    public static FakeWorker Write(TempDirectory directory, string fileName = "fake-worker")
    {
        var pids = directory.Combine("pids");
        Directory.CreateDirectory(pids);
        var script = $$"""
            #!/bin/sh
            while [ $# -gt 0 ]; do
              case "$1" in
                --filepath) file="$2"; shift 2 ;;
                --numwords) top="$2"; shift 2 ;;
                *) shift ;;
              esac
            done
            first=$(head -n 1 "$file")
            echo "fake-worker: task $AZ_BATCH_TASK_ID read $file (top $top) on $AZ_BATCH_NODE_ID"
            case "$first" in
              "exit "*)
                code="${first#exit }"
                echo "fake-worker: $file asks for exit code $code" >&2
                exit "$code" ;;
              sleep)
                echo $$ > "{{pids}}/$AZ_BATCH_JOB_ID.$AZ_BATCH_TASK_ID.pid"
                exec sleep 600 ;;
            esac
            name=$(basename "$file")
            out="${name%.*}_OUTPUT.${name##*.}"
            printf 'Word\tCount\n------------------------------\n%s:\t1\n------------------------------\nNode: %s\nTask: %s\nJob:  %s\nPool: %s\n' \
              "$first" "$AZ_BATCH_NODE_ID" "$AZ_BATCH_TASK_ID" "$AZ_BATCH_JOB_ID" "$AZ_BATCH_POOL_ID" > "$out"
            """;
        var path = directory.Write(fileName, script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return new FakeWorker(path, pids);
    }

    /// <summary>The pid a sleeping task wrote, or null when it has not (yet).</summary>
    public int? SleepingPid(string jobId, string taskId)
    {
        var file = System.IO.Path.Combine(PidDirectory, $"{jobId}.{taskId}.pid");
        if (!File.Exists(file)) return null;
        return int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
    }

    /// <summary>Every pid sleeping tasks wrote so far.</summary>
    public IReadOnlyList<int> SleepingPids()
        => Directory.GetFiles(PidDirectory, "*.pid").Select(f => int.TryParse(File.ReadAllText(f).Trim(), out var pid) ? pid : 0).Where(p => p > 0).ToList();
}
