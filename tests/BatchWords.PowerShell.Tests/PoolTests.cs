using System.Management.Automation;
using System.Text.Json;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// New-BwPool and Get-BwPool against the emulator: the pool, its start task and the program it installs are
/// checked through the independent probes (Batch REST and blob storage), not through the module.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class PoolTests(LocalStackFixture stack) : IDisposable
{
    private const string Cmdlet = "NewBwPoolCommand";
    private readonly BatchResources _made = new(stack, "pools");

    public void Dispose() => _made.Dispose();

    private static string BundledWorker => Path.Combine(BuiltModule.Directory, "payload", "linux-x64", "batchwords-worker");

    [Fact]
    public void Creates_a_pool_of_two_nodes_whose_start_task_installs_the_bundled_worker_from_the_application_container()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("two"), _made.Container("app"));

        var result = session.Run("param($Id, $App) New-BwPool -Id $Id -NodeCount 2 -ApplicationContainer $App -Verbose", new { Id = pool, App = app }).AssertSucceeded();

        var made = Assert.Single(result.Output);
        Assert.Equal("BatchWords.BwPool", made.TypeName());
        Assert.Equal((pool, "Created", 2, "batchwords-worker", app), (made.Text("Id"), made.Text("Provisioning"), (int)made.Get("TargetNodes")!, made.Text("Program"), made.Text("ApplicationContainer")));
        Assert.Equal(new[] { app }, (IEnumerable<string>)made.Get("StartTaskContainers")!);
        // The bundled payload, byte for byte, in the application container.
        Assert.Equal(File.ReadAllBytes(BundledWorker), stack.Storage.GetBlob(app, "batchwords-worker"));

        var service = stack.Batch.GetPool(pool) ?? throw new Xunit.Sdk.XunitException($"No pool {pool} in the emulator.");
        Assert.Equal(2, service.GetProperty("targetDedicatedNodes").GetInt32());
        var startTask = service.GetProperty("startTask");
        Assert.Contains("$AZ_BATCH_NODE_SHARED_DIR/batchwords-worker", startTask.GetProperty("commandLine").GetString());
        Assert.True(startTask.GetProperty("waitForSuccess").GetBoolean());
        var resource = Assert.Single(startTask.GetProperty("resourceFiles").EnumerateArray().ToList());
        Assert.Equal("batchwords-worker", resource.GetProperty("filePath").GetString());
        Assert.StartsWith($"{stack.BlobEndpoint}/{app}/batchwords-worker?", resource.GetProperty("httpUrl").GetString());

        // Both nodes run the start task to success and become idle.
        Eventually.True(() => stack.Batch.Nodes(pool) is { Count: 2 } nodes && nodes.All(n => n.State == "idle"),
            "both nodes idle", () => string.Join(", ", stack.Batch.Nodes(pool)));
        Assert.Contains(result.VerboseMessages, m => m.StartsWith($"POST /pools (id '{pool}', 2 x standard_d2s_v3", StringComparison.Ordinal));
    }

    [Fact]
    public void Takes_the_vm_size_task_slots_and_image_it_is_given()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("shape"), _made.Container("app"));

        var made = Assert.Single(session.Run("param($Id, $App) New-BwPool -Id $Id -VmSize standard_d4s_v3 -NodeCount 1 -TaskSlotsPerNode 4 -Image canonical/ubuntu-24_04-lts/serv -ApplicationContainer $App",
            new { Id = pool, App = app }).AssertSucceeded().Output);

        Assert.Equal(("standard_d4s_v3", 4, "canonical/ubuntu-24_04-lts/server"), (made.Text("VmSize"), (int)made.Get("TaskSlotsPerNode")!, made.Text("Image")));
        var service = stack.Batch.GetPool(pool)!.Value;
        Assert.Equal(4, service.GetProperty("taskSlotsPerNode").GetInt32());
        Assert.Equal("batch.node.ubuntu 24.04", service.GetProperty("virtualMachineConfiguration").GetProperty("nodeAgentSKUId").GetString());
    }

    [Fact]
    public void Installs_the_program_given_with_Program_instead_of_the_worker()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("prog"), _made.Container("app"));
        var program = FakeWorker.Write(_made.Temp);

        var made = Assert.Single(session.Run("param($Id, $App, $Program) New-BwPool -Id $Id -Program $Program -ApplicationContainer $App",
            new { Id = pool, App = app, Program = program.Path }).AssertSucceeded().Output);

        Assert.Equal("fake-worker", made.Text("Program"));
        Assert.Equal(File.ReadAllBytes(program.Path), stack.Storage.GetBlob(app, "fake-worker"));
        Assert.Null(stack.Storage.GetBlob(app, "batchwords-worker"));
        Assert.Contains("$AZ_BATCH_NODE_SHARED_DIR/fake-worker", stack.Batch.GetPool(pool)!.Value.GetProperty("startTask").GetProperty("commandLine").GetString());
    }

    [Fact]
    public void Reuses_a_compatible_pool_instead_of_failing_and_refuses_an_incompatible_one()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("reuse"), _made.Container("app"));
        var program = FakeWorker.Write(_made.Temp);
        session.Run("param($Id, $App) $null = New-BwPool -Id $Id -ApplicationContainer $App", new { Id = pool, App = app }).AssertSucceeded();
        var created = stack.Batch.GetPool(pool)!.Value.GetProperty("creationTime").GetString();

        var again = session.Run("param($Id, $App) New-BwPool -Id $Id -ApplicationContainer $App -Verbose", new { Id = pool, App = app }).AssertSucceeded();
        var otherSize = session.Run("param($Id, $App) New-BwPool -Id $Id -VmSize standard_a1 -ApplicationContainer $App", new { Id = pool, App = app });
        var otherProgram = session.Run("param($Id, $App, $Program) New-BwPool -Id $Id -Program $Program -ApplicationContainer $App", new { Id = pool, App = app, Program = program.Path });
        var otherSlots = session.Run("param($Id, $App) New-BwPool -Id $Id -TaskSlotsPerNode 2 -ApplicationContainer $App", new { Id = pool, App = app });
        var otherImage = session.Run("param($Id, $App) New-BwPool -Id $Id -Image canonical/ubuntu-24_04-lts/server -ApplicationContainer $App", new { Id = pool, App = app });
        var otherCount = session.Run("param($Id, $App) New-BwPool -Id $Id -NodeCount 3 -ApplicationContainer $App", new { Id = pool, App = app }).AssertSucceeded();

        Assert.Equal("Reused", Assert.Single(again.Output).Text("Provisioning"));
        Assert.Contains($"Pool '{pool}' exists and is compatible: reusing it.", again.VerboseMessages);
        Assert.Equal(created, stack.Batch.GetPool(pool)!.Value.GetProperty("creationTime").GetString());
        Assert.Equal(1, stack.Batch.PoolIds().Count(id => id == pool));

        var sizeError = ErrorAssert.Is(otherSize.SingleError(), "PoolIncompatible", Cmdlet, ErrorCategory.ResourceExists, pool);
        Assert.Contains("its VM size is standard_d2s_v3, not standard_a1", sizeError.Exception.Message);
        var programError = ErrorAssert.Is(otherProgram.SingleError(), "PoolIncompatible", Cmdlet, ErrorCategory.ResourceExists, pool);
        Assert.Contains("it installs 'batchwords-worker', not 'fake-worker'", programError.Exception.Message);
        var slotsError = ErrorAssert.Is(otherSlots.SingleError(), "PoolIncompatible", Cmdlet, ErrorCategory.ResourceExists, pool);
        Assert.Contains("it has 1 task slot(s) per node, not 2", slotsError.Exception.Message);
        var imageError = ErrorAssert.Is(otherImage.SingleError(), "PoolIncompatible", Cmdlet, ErrorCategory.ResourceExists, pool);
        Assert.Contains("its image is canonical/0001-com-ubuntu-server-jammy/22_04", imageError.Exception.Message);
        Assert.Contains("not canonical/ubuntu-24_04-lts/server", imageError.Exception.Message);
        Assert.Empty(otherSize.Output);
        Assert.Empty(otherProgram.Output);
        Assert.Empty(otherSlots.Output);
        Assert.Empty(otherImage.Output);

        // Another node count still reuses the pool as it is, with a warning that names both counts; the default
        // (no -NodeCount) does not warn.
        Assert.Equal("Reused", Assert.Single(otherCount.Output).Text("Provisioning"));
        Assert.Contains("reused with its 1 target node(s), not the 3 asked for", Assert.Single(otherCount.Warnings).Message);
        Assert.Empty(again.Warnings);
        Assert.Equal(1, stack.Batch.GetPool(pool)!.Value.GetProperty("targetDedicatedNodes").GetInt32());
    }

    [Fact]
    public void WhatIf_creates_no_pool_and_uploads_nothing()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("whatif"), _made.Container("app"));

        var result = session.Run("param($Id, $App) New-BwPool -Id $Id -NodeCount 2 -ApplicationContainer $App -WhatIf", new { Id = pool, App = app }).AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Equal($"What if: Performing the operation \"Create or reuse Batch pool\" on target \"pool '{pool}' (2 x standard_d2s_v3, image canonical/0001-com-ubuntu-server-jammy/22_04)\".",
            Assert.Single(result.WhatIf));
        Assert.Null(stack.Batch.GetPool(pool));
        Assert.False(stack.Storage.ContainerExists(app));
    }

    [Fact]
    public void A_program_that_does_not_exist_is_InvalidArgument_before_any_request()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("noprog"), _made.Container("app"));
        var missing = _made.Temp.Combine("no-such-program");

        var result = session.Run("param($Id, $App, $Program) New-BwPool -Id $Id -Program $Program -ApplicationContainer $App", new { Id = pool, App = app, Program = missing });

        ErrorAssert.Is(result.SingleError(), "ProgramNotFound", Cmdlet, ErrorCategory.InvalidArgument, missing);
        Assert.Null(stack.Batch.GetPool(pool));
        Assert.False(stack.Storage.ContainerExists(app));
    }

    [Fact]
    public void An_image_the_account_does_not_offer_is_ObjectNotFound_and_no_pool_is_made()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (pool, app) = (_made.Pool("noimage"), _made.Container("app"));

        var result = session.Run("param($Id, $App) New-BwPool -Id $Id -Image canonical/UbuntuServer/16 -ApplicationContainer $App", new { Id = pool, App = app });

        var error = ErrorAssert.Is(result.SingleError(), "NoMatchingImage", Cmdlet, ErrorCategory.ObjectNotFound, "canonical/UbuntuServer/16");
        Assert.Contains("No verified Linux image matches 'canonical/UbuntuServer/16'", error.Exception.Message);
        Assert.Null(stack.Batch.GetPool(pool));
    }

    [Fact]
    public void Get_BwPool_lists_every_pool_and_reads_one_with_its_node_states()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (a, b, app) = (_made.Pool("get-a"), _made.Pool("get-b"), _made.Container("app"));
        session.Run("param($A, $B, $App) $null = New-BwPool -Id $A -NodeCount 2 -ApplicationContainer $App; $null = New-BwPool -Id $B -NodeCount 0 -ApplicationContainer $App",
            new { A = a, B = b, App = app }).AssertSucceeded();
        Eventually.True(() => stack.Batch.Nodes(a).Count(n => n.State == "idle") == 2, "both nodes idle");

        var all = session.Run("Get-BwPool").AssertSucceeded();
        var one = session.Run("param($Id) Get-BwPool -Id $Id", new { Id = a }).AssertSucceeded();
        var piped = session.Run("param($Id) $Id | Get-BwPool", new { Id = b }).AssertSucceeded();

        var ids = all.Output.Select(o => o.Text("Id")).ToList();
        Assert.Contains(a, ids);
        Assert.Contains(b, ids);
        var pool = Assert.Single(one.Output);
        Assert.Equal(("Existing", 2, 2), (pool.Text("Provisioning"), (int)pool.Get("CurrentNodes")!, (int)pool.Get("TargetNodes")!));
        Assert.Equal(2, ((IReadOnlyDictionary<string, int>)pool.Get("NodeStates")!)["idle"]);
        Assert.Equal(b, Assert.Single(piped.Output).Text("PoolId"));
    }

    [Fact]
    public void Get_BwPool_of_a_missing_pool_is_ObjectNotFound()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var missing = LocalStackFixture.NewBatchId("missing");

        var result = session.Run("param($Id) Get-BwPool -Id $Id", new { Id = missing });

        ErrorAssert.Is(result.SingleError(), "BatchPoolNotFound", "GetBwPoolCommand", ErrorCategory.ObjectNotFound, missing);
    }
}
