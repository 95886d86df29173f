using System.Management.Automation;
using System.Net;
using System.Web;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>Publish-BwInput through the engine: pipeline binding, parallel upload, progress, skip/replace, SAS URLs, per-file errors.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class PublishInputTests(LocalStackFixture stack) : IDisposable
{
    private const string Cmdlet = "PublishBwInputCommand";
    private readonly TempDirectory _temp = new("publish");

    public void Dispose() => _temp.Dispose();

    private string NewContainer(string stem)
    {
        var name = LocalStackFixture.NewContainerName(stem);
        stack.Storage.CreateContainer(name);
        return name;
    }

    [Fact]
    public void Done_means_the_tutorial_files_piped_as_FileInfo_round_trip_byte_exact_through_Receive_BwOutput()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var data = BuiltModule.TutorialDataDirectory;
        var destination = _temp.Combine("received");
        var container = LocalStackFixture.NewContainerName("input");

        var result = session.Run("""
            param($Data, $Container, $Destination)
            $null = New-BwContainer -Name $Container
            # The hosted engine has no Get-ChildItem; FileInfo objects bind the same way (by FullName).
            [IO.DirectoryInfo]::new($Data).GetFiles('*.txt') | Publish-BwInput -Container $Container
            Receive-BwOutput -Container $Container -Destination $Destination
            """, new { Data = data, Container = container, Destination = destination }).AssertSucceeded();

        var files = Directory.GetFiles(data, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.Equal(3, files.Count);
        var published = result.OutputOfType("BatchWords.BwInputFile");
        var received = result.OutputOfType("System.IO.FileInfo");
        Assert.Equal(files.Count + files.Count, result.Output.Count);
        Assert.Equal(files.Select(Path.GetFileName), published.Select(p => p.Text("BlobName")).Order(StringComparer.Ordinal));
        Assert.All(published, p => Assert.Equal(("Uploaded", container), (p.Text("Status"), p.Text("Container"))));
        Assert.Equal(files.Select(Path.GetFileName), received.Select(r => ((FileInfo)r.BaseObject).Name).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(destination, Path.GetFileName(file))));
            Assert.Equal(File.ReadAllBytes(file), stack.Storage.GetBlob(container, Path.GetFileName(file)));
            var item = published.Single(p => p.Text("BlobName") == Path.GetFileName(file));
            Assert.Equal((file, new FileInfo(file).Length), (item.Text("Path"), (long)item.Get("Length")!));
            Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(file))), item.Text("ContentMd5"));
        }
    }

    [Fact]
    public void Paths_bind_by_value_with_wildcards_and_literally_by_property_name()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("bind");
        _temp.Write("a.txt", "alpha");
        _temp.Write("b.txt", "beta");
        _temp.Write("c.log", "gamma");
        var literal = _temp.Write("[odd] name.dat", "brackets are wildcards for -Path");

        var result = session.Run("""
            param($Dir, $Container, $Literal)
            Publish-BwInput -Container $Container -Path ([IO.Path]::Combine($Dir, '*.txt'))
            [pscustomobject]@{ FullName = $Literal } | Publish-BwInput -Container $Container
            Publish-BwInput -Container $Container -LiteralPath ([IO.Path]::Combine($Dir, 'c.log'))
            """, new { Dir = _temp.Path, Container = container, Literal = literal }).AssertSucceeded();

        // '[odd] name.dat' as a wildcard would not match itself; bound by property name (FullName) it is literal.
        // Files of one call land in the order their parallel uploads finish.
        var names = result.Output.Select(o => o.Text("BlobName")).ToList();
        Assert.Equal(new[] { "a.txt", "b.txt" }, names.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "[odd] name.dat", "c.log" }, names.Skip(2));
        Assert.Equal(new[] { "[odd] name.dat", "a.txt", "b.txt", "c.log" }, stack.Storage.ListBlobs(container).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_wildcard_that_matches_nothing_is_an_ObjectNotFound_error()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("nomatch");
        var pattern = _temp.Combine("*.nothing");

        var result = session.Run("param($Pattern, $Container) Publish-BwInput -Container $Container -Path $Pattern", new { Pattern = pattern, Container = container });

        ErrorAssert.Is(result.SingleError(), "InputFileNotFound", Cmdlet, ErrorCategory.ObjectNotFound, pattern);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Progress_reports_files_and_bytes_and_completes()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("progress");
        var total = 0L;
        for (var i = 0; i < 6; i++) total += new FileInfo(_temp.Write($"f{i}.txt", new string((char)('a' + i), 1000 * (i + 1)))).Length;

        var result = session.Run("param($Dir, $Container) [IO.DirectoryInfo]::new($Dir).GetFiles() | Publish-BwInput -Container $Container",
            new { Dir = _temp.Path, Container = container }).AssertSucceeded();

        Assert.Equal(6, result.Output.Count);
        var progress = result.Progress;
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal($"Publish-BwInput: uploading to container '{container}'", p.Activity));
        var last = progress[^1];
        Assert.Equal(ProgressRecordType.Completed, last.RecordType);
        var final = progress.Last(p => p.RecordType == ProgressRecordType.Processing);
        Assert.Equal($"6 of 6 files, {total / 1024.0:0.#} KB of {total / 1024.0:0.#} KB", final.StatusDescription);
        Assert.Equal(100, final.PercentComplete);
        // The host saw the same records (what a console draws as a progress bar).
        Assert.Equal(progress.Count, result.HostProgress.Count);
    }

    [Fact]
    public void Uploads_run_in_parallel_up_to_ThrottleLimit()
    {
        var container = NewContainer("throttle");
        for (var i = 0; i < 24; i++) _temp.Write($"f{i:D2}.txt", $"file {i}");

        int Peak(int throttleLimit, string prefix)
        {
            using var proxy = new CountingProxy(stack.BlobEndpoint);
            using var session = PowerShellSession.Start();
            var result = session.Run("""
                param($Key, $Endpoint, $Dir, $Container, $Limit, $Prefix)
                $context = Connect-BwAccount -StorageAccountName devstoreaccount1 -StorageAccountKey $Key -BlobEndpoint $Endpoint
                [IO.DirectoryInfo]::new($Dir).GetFiles() | Publish-BwInput -Container $Container -Context $context -ThrottleLimit $Limit -Prefix $Prefix
                """, new
            {
                Key = ConnectTests.Secure(LocalStackFixture.DevelopmentAccountKey), Endpoint = proxy.Rewrite(stack.BlobEndpoint),
                Dir = _temp.Path, Container = container, Limit = throttleLimit, Prefix = prefix,
            }).AssertSucceeded();
            Assert.Equal(24, result.Output.Count);
            return proxy.PeakConnections;
        }

        Assert.Equal(1, Peak(1, "one/"));
        var four = Peak(4, "four/");
        Assert.InRange(four, 2, 4);
        Assert.Equal(48, stack.Storage.ListBlobs(container).Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void ThrottleLimit_out_of_range_is_a_parameter_validation_error(int limit)
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var file = _temp.Write("x.txt", "x");

        var result = session.Run("param($File, $Limit) Publish-BwInput -Container input -Path $File -ThrottleLimit $Limit", new { File = file, Limit = limit });

        Assert.Equal("ParameterArgumentValidationError,BatchWords.PowerShell.PublishBwInputCommand", result.SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void Prefix_is_put_before_each_blob_name_and_comes_back_as_a_subdirectory()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("prefix");
        _temp.Write("in/one.txt", "1");
        _temp.Write("in/two.txt", "22");
        var destination = _temp.Combine("out");

        var result = session.Run("""
            param($Dir, $Container, $Destination)
            [IO.DirectoryInfo]::new($Dir).GetFiles() | Publish-BwInput -Container $Container -Prefix 'run1/'
            $null = Receive-BwOutput -Container $Container -Destination $Destination
            """, new { Dir = _temp.Combine("in"), Container = container, Destination = destination }).AssertSucceeded();

        Assert.Equal(new[] { "run1/one.txt", "run1/two.txt" }, result.Output.Select(o => o.Text("BlobName")).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "run1/one.txt", "run1/two.txt" }, stack.Storage.ListBlobs(container));
        Assert.Equal("22", File.ReadAllText(Path.Combine(destination, "run1", "two.txt")));
    }

    [Theory]
    [InlineData("/rooted/")]
    [InlineData("back\\slash/")]
    public void An_invalid_prefix_stops_the_upload_before_any_file_is_sent(string prefix)
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("badprefix");
        var file = _temp.Write("a.txt", "a");

        var result = session.Run("param($File, $Container, $Prefix) Publish-BwInput -Container $Container -Path $File -Prefix $Prefix",
            new { File = file, Container = container, Prefix = prefix });

        ErrorAssert.Is(result.SingleError(), "InvalidBlobPrefix", Cmdlet, ErrorCategory.InvalidArgument, prefix);
        Assert.Empty(stack.Storage.ListBlobs(container));
    }

    [Fact]
    public void Identical_content_is_skipped_and_different_content_is_an_error_unless_Force()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("skip");
        var same = _temp.Write("same.txt", "unchanged content");
        var changed = _temp.Write("changed.txt", "version 1");
        const string publish = "param($Files, $Container, [switch] $Force) $Files | Publish-BwInput -Container $Container -Force:$Force";
        var args = new { Files = new[] { same, changed }, Container = container };
        var forceArgs = new { Files = new[] { same, changed }, Container = container, Force = true };

        session.Run(publish, args).AssertSucceeded();
        var (sameTag, changedTag) = (stack.Storage.BlobETag(container, "same.txt"), stack.Storage.BlobETag(container, "changed.txt"));
        File.WriteAllText(changed, "version 2, longer");
        var refused = session.Run(publish, args);
        var afterRefusal = stack.Storage.BlobETag(container, "changed.txt");
        var forced = session.Run(publish, forceArgs).AssertSucceeded();

        // Identical: reported Unchanged, nothing written (same ETag), no error.
        var unchanged = Assert.Single(refused.Output);
        Assert.Equal(("same.txt", "Unchanged"), (unchanged.Text("BlobName"), unchanged.Text("Status")));
        Assert.Equal(sameTag, stack.Storage.BlobETag(container, "same.txt"));
        // Different without -Force: a per-file ResourceExists error, the blob untouched.
        var error = ErrorAssert.Is(refused.SingleError(), "BlobContentDiffers", Cmdlet, ErrorCategory.ResourceExists, changed);
        Assert.Contains("-Force", error.ErrorDetails!.RecommendedAction);
        Assert.Equal(changedTag, afterRefusal);
        // With -Force: replaced.
        Assert.Equal(new[] { ("same.txt", "Unchanged"), ("changed.txt", "Uploaded") },
            forced.Output.Select(o => (o.Text("BlobName")!, o.Text("Status")!)).OrderByDescending(t => t.Item1));
        Assert.Equal("version 2, longer"u8.ToArray(), stack.Storage.GetBlob(container, "changed.txt"));
    }

    [Fact]
    public void Each_file_gets_a_read_only_SAS_URL_starting_a_few_minutes_ago_and_expiring_after_SasExpiry()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("sas");
        var file = _temp.Write("doc.txt", "readable through the SAS");
        var other = _temp.Write("short.txt", "short-lived");

        var before = DateTimeOffset.UtcNow;
        var result = session.Run("""
            param($File, $Other, $Container)
            Publish-BwInput -Container $Container -Path $File
            Publish-BwInput -Container $Container -Path $Other -SasExpiry ([TimeSpan]::FromMinutes(30))
            """,
            new { File = file, Other = other, Container = container }).AssertSucceeded();
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(2, result.Output.Count);
        AssertSas(result.Output[0], TimeSpan.FromHours(2));
        AssertSas(result.Output[1], TimeSpan.FromMinutes(30));

        void AssertSas(PSObject item, TimeSpan expiry)
        {
            var sas = (Uri)item.Get("ReadSasUri")!;
            var query = HttpUtility.ParseQueryString(sas.Query);
            Assert.Equal("r", query["sp"]);
            Assert.Equal("b", query["sr"]);
            var start = DateTimeOffset.Parse(query["st"]!, System.Globalization.CultureInfo.InvariantCulture);
            var end = DateTimeOffset.Parse(query["se"]!, System.Globalization.CultureInfo.InvariantCulture);
            // SAS times have whole seconds: allow one second of truncation either side.
            Assert.InRange(start, before.AddMinutes(-5).AddSeconds(-1), after.AddMinutes(-5).AddSeconds(1));
            Assert.InRange(end, before.Add(expiry).AddSeconds(-1), after.Add(expiry).AddSeconds(1));
            var expiresOn = (DateTimeOffset)item.Get("SasExpiresOn")!;
            Assert.Equal(end, expiresOn.AddTicks(-(expiresOn.Ticks % TimeSpan.TicksPerSecond)));
            Assert.Equal(sas.GetLeftPart(UriPartial.Path), ((Uri)item.Get("BlobUri")!).ToString());

            var (status, body) = StorageProbe.GetAnonymous(sas);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(File.ReadAllBytes(item.Text("Path")!), body);
            Assert.Equal(HttpStatusCode.Forbidden, StorageProbe.PutAnonymous(sas, "overwritten"u8.ToArray()));
        }
        Assert.Equal("readable through the SAS"u8.ToArray(), stack.Storage.GetBlob(container, "doc.txt"));
    }

    [Theory]
    [InlineData("0.00:00:00")]
    [InlineData("8.00:00:00")]
    public void A_SasExpiry_that_is_not_positive_or_longer_than_seven_days_is_refused_before_any_upload(string expiry)
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("expiry");
        var file = _temp.Write("a.txt", "a");

        var result = session.Run("param($File, $Container, $Expiry) Publish-BwInput -Container $Container -Path $File -SasExpiry $Expiry",
            new { File = file, Container = container, Expiry = TimeSpan.Parse(expiry, System.Globalization.CultureInfo.InvariantCulture) });

        ErrorAssert.Is(result.SingleError(), "InvalidSasExpiry", Cmdlet, ErrorCategory.InvalidArgument, TimeSpan.Parse(expiry, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(stack.Storage.ListBlobs(container));
    }

    [Fact]
    public void Relative_paths_resolve_against_the_sessions_location_not_the_process_directory()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("relative");
        _temp.Write("rel.txt", "relative input");

        var result = session.Run("""
            param($Dir, $Container)
            $null = $ExecutionContext.SessionState.Path.SetLocation($Dir)
            Publish-BwInput -Container $Container -Path 'rel.txt'
            Publish-BwInput -Container $Container -Path './*.txt' -Prefix 'wild/'
            Receive-BwOutput -Container $Container -Destination 'downloaded'
            """, new { Dir = _temp.Path, Container = container }).AssertSucceeded();

        Assert.Equal(Path.Combine(_temp.Path, "rel.txt"), result.Output[0].Text("Path"));
        Assert.Equal("wild/rel.txt", result.Output[1].Text("BlobName"));
        Assert.Equal("relative input", File.ReadAllText(Path.Combine(_temp.Path, "downloaded", "rel.txt")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "downloaded", "wild", "rel.txt")));
    }

    [Fact]
    public void Missing_files_directories_and_unreadable_files_are_per_file_errors_and_the_other_files_still_upload()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("perfile");
        var first = _temp.Write("first.txt", "first");
        var last = _temp.Write("last.txt", "last");
        var missing = _temp.Combine("missing.txt");
        var directory = _temp.Combine("a-directory");
        Directory.CreateDirectory(directory);
        var locked = _temp.Write("locked.txt", "held open exclusively by another program");
        var paths = new List<string> { first, missing, directory, locked, last };
        // A file that opens but fails on the first read (Linux): unreadable after open.
        const string unreadableAfterOpen = "/proc/self/mem";
        if (File.Exists(unreadableAfterOpen)) paths.Add(unreadableAfterOpen);

        ScriptResult result;
        // FileShare.None: .NET takes an exclusive lock, so opening it to read fails as it would for a file another program holds.
        using (new FileStream(locked, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            result = session.Run("param($Paths, $Container) $Paths | Publish-BwInput -Container $Container", new { Paths = paths.ToArray(), Container = container });

        Assert.Equal(new[] { "first.txt", "last.txt" }, result.Output.Select(o => o.Text("BlobName")).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "first.txt", "last.txt" }, stack.Storage.ListBlobs(container));
        var errors = result.Errors.ToDictionary(e => e.TargetObject?.ToString() ?? "");
        Assert.Equal(paths.Count - 2, errors.Count);
        ErrorAssert.Is(errors[missing], "InputFileNotFound", Cmdlet, ErrorCategory.ObjectNotFound, missing);
        ErrorAssert.Is(errors[directory], "InputPathIsDirectory", Cmdlet, ErrorCategory.InvalidArgument, directory);
        ErrorAssert.Is(errors[locked], "InputFileUnreadable", Cmdlet, ErrorCategory.ReadError, locked);
        if (paths.Contains(unreadableAfterOpen))
            ErrorAssert.Is(errors[unreadableAfterOpen], "InputFileUnreadable", Cmdlet, ErrorCategory.ReadError, unreadableAfterOpen);
        Assert.Null(result.Terminating);
    }

    [Fact]
    public void A_missing_container_stops_the_cmdlet_with_ObjectNotFound()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = LocalStackFixture.NewContainerName("absent");
        var file = _temp.Write("a.txt", "a");

        var result = session.Run("param($File, $Container) Publish-BwInput -Container $Container -Path $File; 'next statement runs'",
            new { File = file, Container = container });

        var error = ErrorAssert.Is(result.SingleError(), "ContainerNotFound", Cmdlet, ErrorCategory.ObjectNotFound, container);
        Assert.Contains("New-BwContainer", error.ErrorDetails!.RecommendedAction);
        Assert.Equal("next statement runs", Assert.Single(result.Output).BaseObject);
        Assert.False(stack.Storage.ContainerExists(container));
    }

    [Fact]
    public void WhatIf_names_each_upload_and_uploads_nothing()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("whatif");
        var a = _temp.Write("a.txt", "a");
        var b = _temp.Write("b.txt", "b");

        var result = session.Run("param($Dir, $Container) [IO.DirectoryInfo]::new($Dir).GetFiles() | Publish-BwInput -Container $Container -Prefix 'p/' -WhatIf",
            new { Dir = _temp.Path, Container = container }).AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Empty(result.Progress);
        Assert.Equal(new[]
        {
            $"What if: Performing the operation \"Upload input file\" on target \"{a} -> {container}/p/a.txt\".",
            $"What if: Performing the operation \"Upload input file\" on target \"{b} -> {container}/p/b.txt\".",
        }, result.WhatIf.Order(StringComparer.Ordinal));
        Assert.Empty(stack.Storage.ListBlobs(container));
    }

    [Fact]
    public void Verbose_names_the_requests_and_never_a_SAS_signature()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var container = NewContainer("verbose");
        var file = _temp.Write("v.txt", "verbose");

        var result = session.Run("param($File, $Container) Publish-BwInput -Container $Container -Path $File -Verbose -ThrottleLimit 3",
            new { File = file, Container = container }).AssertSucceeded();

        var signature = HttpUtility.ParseQueryString(((Uri)Assert.Single(result.Output).Get("ReadSasUri")!).Query)["sig"]!;
        Assert.Contains($"Uploading 1 file(s) to {stack.BlobEndpoint}/{container} (PUT blob per file, 3 at a time).", result.VerboseMessages);
        Assert.Contains($"Uploaded: {file} -> {stack.BlobEndpoint}/{container}/v.txt", result.VerboseMessages);
        result.AssertNoSecret(signature, "ReadSasUri");
    }
}
