using System.Management.Automation;
using System.Text;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>Receive-BwOutput through the engine: every page, parallel, progress, destination handling, unsafe names.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class ReceiveOutputTests(LocalStackFixture stack) : IDisposable
{
    private const string Cmdlet = "ReceiveBwOutputCommand";
    private readonly TempDirectory _temp = new("receive");

    public void Dispose() => _temp.Dispose();

    /// <summary>A container seeded over plain HTTP (not by the module) with the given blobs.</summary>
    private string ContainerWith(string stem, params (string Name, string Content)[] blobs)
    {
        var name = LocalStackFixture.NewContainerName(stem);
        stack.Storage.CreateContainer(name);
        foreach (var (blob, content) in blobs) stack.Storage.PutBlob(name, blob, Encoding.UTF8.GetBytes(content));
        return name;
    }

    [Fact]
    public void Downloads_every_blob_into_a_destination_it_creates_and_emits_each_file()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = ContainerWith("all", ("a_OUTPUT.txt", "a 3"), ("b_OUTPUT.txt", "b 2"), ("nested/deep/c.txt", "c"));
        var destination = _temp.Combine("does", "not", "exist", "yet");

        var result = session.Run("param($Container, $Destination) Receive-BwOutput $Container $Destination", new { Container = container, Destination = destination })
            .AssertSucceeded();

        Assert.All(result.Output, o => Assert.IsType<FileInfo>(o.BaseObject));
        Assert.Equal(new[] { "a_OUTPUT.txt", "b_OUTPUT.txt", Path.Combine("nested", "deep", "c.txt") },
            result.Output.Select(o => Path.GetRelativePath(destination, ((FileInfo)o.BaseObject).FullName)).Order(StringComparer.Ordinal));
        Assert.Equal("a 3", File.ReadAllText(Path.Combine(destination, "a_OUTPUT.txt")));
        Assert.Equal("c", File.ReadAllText(Path.Combine(destination, "nested", "deep", "c.txt")));
        Assert.Empty(Directory.GetFiles(destination, "*.bwpart", SearchOption.AllDirectories));
    }

    [Fact]
    public void Lists_every_page_of_a_container_with_more_than_5000_blobs()
    {
        // Azurite pages a listing at 5,000 names, as Azure does: a client that reads only the first page stops there.
        const int count = 5_003;
        var container = ContainerWith("pages");
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            i => stack.Storage.PutBlob(container, $"b{i:D5}", Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        using var session = PowerShellSession.ConnectedTo(stack);
        var destination = _temp.Combine("pages");

        var result = session.Run("param($Container, $Destination) (Receive-BwOutput -Container $Container -Destination $Destination -ThrottleLimit 32).Count",
            new { Container = container, Destination = destination }).AssertSucceeded();

        Assert.Equal(count, Assert.Single(result.Output).BaseObject);
        Assert.Equal(count, Directory.GetFiles(destination).Length);
        Assert.Equal("5002", File.ReadAllText(Path.Combine(destination, "b05002")));
    }

    [Fact]
    public void Downloads_run_in_parallel_up_to_ThrottleLimit()
    {
        var blobs = Enumerable.Range(0, 24).Select(i => ($"out{i:D2}.txt", $"output {i}")).ToArray();
        var container = ContainerWith("throttle", blobs);

        int Peak(int throttleLimit)
        {
            using var proxy = new CountingProxy(stack.BlobEndpoint);
            using var session = PowerShellSession.Start();
            var result = session.Run("""
                param($Key, $Endpoint, $Container, $Destination, $Limit)
                $context = Connect-BwAccount -StorageAccountName devstoreaccount1 -StorageAccountKey $Key -BlobEndpoint $Endpoint
                Receive-BwOutput -Container $Container -Destination $Destination -ThrottleLimit $Limit -Context $context
                """, new
            {
                Key = ConnectTests.Secure(LocalStackFixture.DevelopmentAccountKey), Endpoint = proxy.Rewrite(stack.BlobEndpoint),
                Container = container, Destination = _temp.Combine($"limit{throttleLimit}"), Limit = throttleLimit,
            }).AssertSucceeded();
            Assert.Equal(24, result.Output.Count);
            return proxy.PeakConnections;
        }

        Assert.Equal(1, Peak(1));
        Assert.InRange(Peak(4), 2, 4);
    }

    [Fact]
    public void Progress_reports_files_and_bytes_and_completes()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = ContainerWith("progress", ("one.txt", new string('1', 2000)), ("two.txt", new string('2', 3000)));

        var result = session.Run("param($Container, $Destination) Receive-BwOutput -Container $Container -Destination $Destination",
            new { Container = container, Destination = _temp.Combine("p") }).AssertSucceeded();

        Assert.NotEmpty(result.Progress);
        Assert.All(result.Progress, p => Assert.Equal($"Receive-BwOutput: downloading container '{container}'", p.Activity));
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
        var final = result.Progress.Last(p => p.RecordType == ProgressRecordType.Processing);
        Assert.Equal("2 of 2 files, 4.9 KB of 4.9 KB", final.StatusDescription);
        Assert.Equal(100, final.PercentComplete);
    }

    [Fact]
    public void Existing_files_are_refused_per_file_without_Force_and_replaced_with_it()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = ContainerWith("overwrite", ("kept.txt", "from storage"), ("new.txt", "new"));
        var destination = _temp.Combine("dest");
        var local = _temp.Write(Path.Combine("dest", "kept.txt"), "local edit");
        const string receive = "param($Container, $Destination, [switch] $Force) Receive-BwOutput -Container $Container -Destination $Destination -Force:$Force";

        var refused = session.Run(receive, new { Container = container, Destination = destination });
        var contentAfterRefusal = File.ReadAllText(local);
        var forced = session.Run(receive, new { Container = container, Destination = destination, Force = true }).AssertSucceeded();

        var error = ErrorAssert.Is(refused.SingleError(), "OutputFileExists", Cmdlet, ErrorCategory.ResourceExists, local);
        Assert.Contains("-Force", error.ErrorDetails!.RecommendedAction);
        Assert.Equal("local edit", contentAfterRefusal);
        Assert.Equal("new.txt", ((FileInfo)Assert.Single(refused.Output).BaseObject).Name);
        Assert.Equal(2, forced.Output.Count);
        Assert.Equal("from storage", File.ReadAllText(local));
    }

    [Fact]
    public void Blob_names_that_would_escape_the_destination_are_refused_and_nothing_is_written_for_them()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        // The service folds '..' segments out of URLs; a drive-rooted name is what a hostile writer can store.
        var container = ContainerWith("escape", ("C:evil.txt", "evil"), ("fine.txt", "fine"));
        var destination = _temp.Combine("inside", "dest");

        var result = session.Run("param($Container, $Destination) Receive-BwOutput -Container $Container -Destination $Destination",
            new { Container = container, Destination = destination });

        var error = ErrorAssert.Is(result.SingleError(), "UnsafeBlobName", Cmdlet, ErrorCategory.InvalidData, "C:evil.txt");
        Assert.Contains("could be written outside", error.Exception.Message);
        Assert.Equal("fine.txt", ((FileInfo)Assert.Single(result.Output).BaseObject).Name);
        Assert.Equal(new[] { Path.Combine(destination, "fine.txt") }, Directory.GetFiles(_temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Containers_bind_by_property_name_and_each_is_downloaded_once()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var data = _temp.Combine("data");
        var names = Enumerable.Range(0, 20).Select(i => $"in{i:D2}.txt").ToArray();
        foreach (var name in names) _temp.Write(Path.Combine("data", name), name);
        var container = LocalStackFixture.NewContainerName("bind");
        var destination = _temp.Combine("bound");

        // BwContainer -> Receive-BwOutput's -Container; BwInputFile (20 of them, one container) -> Receive-BwOutput,
        // which must download the container once, and only after the upstream cmdlet has written everything.
        var result = session.Run("""
            param($Data, $Container, $Destination)
            $made = New-BwContainer $Container
            [IO.DirectoryInfo]::new($Data).GetFiles() | Publish-BwInput -Container $made.Name | Receive-BwOutput -Destination $Destination
            $made | Receive-BwOutput -Destination ([IO.Path]::Combine($Destination, 'again'))
            """, new { Data = data, Container = container, Destination = destination }).AssertSucceeded();

        Assert.Equal(names.Length * 2, result.Output.Count);
        Assert.Equal(names, Directory.GetFiles(destination).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(names, Directory.GetFiles(Path.Combine(destination, "again")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BwTask_objects_bind_by_OutputContainer_so_Wait_BwTask_output_pipes_in()
    {
        // Real BwTask objects (Core's type, in the module's load context), as Wait-BwTask emits them.
        var container = ContainerWith("tasks", ("taskdata1_OUTPUT.txt", "the 3"), ("taskdata2_OUTPUT.txt", "a 2"));
        var taskType = stack.Context.GetType().Assembly.GetType("BatchWords.BwTask", throwOnError: true)!;
        object Task(string id)
        {
            var task = Activator.CreateInstance(taskType)!;
            foreach (var (property, value) in new[] { ("JobId", "words"), ("TaskId", id), ("OutputContainer", container), ("InputContainer", "input") })
                taskType.GetProperty(property)!.SetValue(task, value);
            return task;
        }
        using var session = PowerShellSession.ConnectedTo(stack);
        var destination = _temp.Combine("tasks");

        var result = session.Run("param($Tasks, $Destination) $Tasks | Receive-BwOutput -Destination $Destination",
            new { Tasks = new[] { Task("topNtask0"), Task("topNtask1") }, Destination = destination }).AssertSucceeded();

        Assert.Equal(2, result.Output.Count);
        Assert.Equal("the 3", File.ReadAllText(Path.Combine(destination, "taskdata1_OUTPUT.txt")));
    }

    [Fact]
    public void Piped_tasks_download_only_their_own_outputs_and_a_missing_output_is_an_error_unless_its_task_failed()
    {
        var container = ContainerWith("named", ("taskdata1_OUTPUT.txt", "the 3"), ("taskdata2_OUTPUT.txt", "a 2"), ("other_OUTPUT.txt", "x 1"));
        var taskType = stack.Context.GetType().Assembly.GetType("BatchWords.BwTask", throwOnError: true)!;
        object Task(string id, string output, string result = "success")
        {
            var task = Activator.CreateInstance(taskType)!;
            foreach (var (property, value) in new[] { ("JobId", "words"), ("TaskId", id), ("OutputContainer", container), ("OutputBlobName", output), ("Result", result) })
                taskType.GetProperty(property)!.SetValue(task, value);
            return task;
        }
        using var session = PowerShellSession.ConnectedTo(stack);
        var destination = _temp.Combine("named");

        var result = session.Run("param($Tasks, $Destination) $Tasks | Receive-BwOutput -Destination $Destination",
            new { Tasks = new[] { Task("topNtask0", "taskdata1_OUTPUT.txt"), Task("topNtask1", "taskdata2_OUTPUT.txt"), Task("topNtask2", "taskdata3_OUTPUT.txt"), Task("topNtask3", "taskdata4_OUTPUT.txt", "failure") }, Destination = destination });

        Assert.Equal(new[] { "taskdata1_OUTPUT.txt", "taskdata2_OUTPUT.txt" },
            result.OutputOfType("System.IO.FileInfo").Select(f => ((FileInfo)f.BaseObject).Name).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(destination, "other_OUTPUT.txt")));
        // A task that succeeded but has no output is an error; one that failed was already reported (by
        // Wait-BwTask, with its exit code and stderr), so its missing output is only a warning.
        ErrorAssert.Is(result.SingleError(), "OutputBlobNotFound", Cmdlet, ErrorCategory.ObjectNotFound, "taskdata3_OUTPUT.txt");
        Assert.Contains("taskdata4_OUTPUT.txt", Assert.Single(result.Warnings).Message);
    }

    [Fact]
    public void WhatIf_names_the_download_and_writes_nothing()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = ContainerWith("whatif", ("a.txt", "a"));
        var destination = _temp.Combine("never");

        var result = session.Run("param($Container, $Destination) Receive-BwOutput -Container $Container -Destination $Destination -WhatIf",
            new { Container = container, Destination = destination }).AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Equal($"What if: Performing the operation \"Download every blob\" on target \"container '{container}' -> {destination}\".", Assert.Single(result.WhatIf));
        Assert.False(Directory.Exists(destination));
    }

    [Fact]
    public void A_missing_container_is_ObjectNotFound_and_creates_no_destination()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = LocalStackFixture.NewContainerName("missing");
        var destination = _temp.Combine("none");

        var result = session.Run("param($Container, $Destination) Receive-BwOutput -Container $Container -Destination $Destination",
            new { Container = container, Destination = destination });

        ErrorAssert.Is(result.SingleError(), "StorageContainerNotFound", Cmdlet, ErrorCategory.ObjectNotFound, container);
        Assert.False(Directory.Exists(destination));
    }

    [Fact]
    public void An_invalid_container_name_is_InvalidArgument_before_any_request()
    {
        using var session = PowerShellSession.ConnectedTo(stack);

        var result = session.Run("param($Destination) Receive-BwOutput -Container 'Output' -Destination $Destination -Verbose", new { Destination = _temp.Combine("x") });

        ErrorAssert.Is(result.SingleError(), "InvalidContainerName", Cmdlet, ErrorCategory.InvalidArgument, "Output");
        Assert.Empty(result.Verbose);
    }

    [Fact]
    public void Verbose_names_the_requests()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = ContainerWith("verbose", ("v.txt", "v"));
        var destination = _temp.Combine("v");

        var result = session.Run("param($Container, $Destination) Receive-BwOutput -Container $Container -Destination $Destination -Verbose",
            new { Container = container, Destination = destination }).AssertSucceeded();

        Assert.Contains(result.VerboseMessages, m => m.StartsWith(
            $"Listing {stack.BlobEndpoint}/{container} (GET ?restype=container&comp=list, all pages) and downloading every blob (GET blob per file, 8 at a time) into {destination}", StringComparison.Ordinal));
    }
}
