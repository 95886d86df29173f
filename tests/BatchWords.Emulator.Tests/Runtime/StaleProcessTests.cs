using System.Diagnostics;
using System.Security.Cryptography;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Emulator.Tests.Runtime;

/// <summary>
/// An emulator that was killed (SIGKILL) leaves its task processes running in its sandboxes. The next emulator
/// on the same data directory kills them as it removes those sandboxes, and leaves every other process alone.
/// The "earlier run" here is a data directory with node sandboxes and processes started in them the way the
/// emulator starts tasks (working directory in the sandbox, AZ_BATCH_NODE_ROOT_DIR set to the node's root).
/// </summary>
public sealed class StaleProcessTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"bw-emulator-stale-{Guid.NewGuid():N}");
    private readonly string _elsewhere = Path.Combine(Path.GetTempPath(), $"bw-emulator-elsewhere-{Guid.NewGuid():N}");
    private readonly List<Process> _started = new();

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_elsewhere);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var process in _started)
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
        }
        foreach (var directory in new[] { _data, _elsewhere })
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Starting_on_a_data_directory_kills_the_task_processes_an_earlier_run_left_and_nothing_else()
    {
        var nodeRoot = Path.Combine(_data, "pools", "leftover-pool", "tvmps_leftover");
        var workingDirectory = Path.Combine(nodeRoot, "workitems", "job", "job-1", "task", "wd");
        Directory.CreateDirectory(workingDirectory);
        var inSandbox = Sleep(workingDirectory, nodeRoot);             // a task as the emulator runs it
        var movedOut = Sleep(_elsewhere, nodeRoot);                    // its child that changed directory
        var unrelated = Sleep(_elsewhere, null);                       // somebody else's process
        var lookalike = Sleep(_elsewhere, _data + "/pools2/other");    // a sibling folder is not the sandbox

        await using (await EmulatorHost.StartAsync(new EmulatorOptions
        {
            AccountName = "devbatch", AccountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), DataDirectory = _data,
        }))
        {
            await Eventually.TrueAsync(() => inSandbox.HasExited && movedOut.HasExited, "the leftover task processes to be killed");
            Assert.False(Directory.Exists(nodeRoot), "the leftover sandbox is removed");
        }

        Assert.False(unrelated.HasExited, "a process outside the data directory is left alone");
        Assert.False(lookalike.HasExited, "a process of a sibling folder is left alone");
    }

    private Process Sleep(string workingDirectory, string? nodeRoot)
    {
        var info = new ProcessStartInfo("/bin/sleep", "300") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        info.Environment.Remove("AZ_BATCH_NODE_ROOT_DIR");
        if (nodeRoot is not null) info.Environment["AZ_BATCH_NODE_ROOT_DIR"] = nodeRoot;
        var process = Process.Start(info)!;
        _started.Add(process);
        return process;
    }
}
