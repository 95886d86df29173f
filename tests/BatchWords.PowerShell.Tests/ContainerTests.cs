using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>New-BwContainer through the engine, checked against Azurite with the independent probe.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class ContainerTests(LocalStackFixture stack)
{
    private const string Cmdlet = "NewBwContainerCommand";

    [Fact]
    public void Creates_absent_containers_and_reports_existing_ones_as_Existing_not_as_errors()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (a, b) = (LocalStackFixture.NewContainerName("new-a"), LocalStackFixture.NewContainerName("new-b"));

        var first = session.Run("param($A, $B) New-BwContainer -Name $A, $B", new { A = a, B = b }).AssertSucceeded();
        var second = session.Run("param($A) New-BwContainer $A", new { A = a }).AssertSucceeded();

        Assert.Equal(new[] { (a, "Created"), (b, "Created") }, first.Output.Select(o => (o.Text("Name")!, o.Text("Status")!)));
        Assert.All(first.Output, o => Assert.Equal("BatchWords.BwContainer", o.TypeName()));
        Assert.Equal(new Uri(stack.BlobEndpoint + "/" + a), first.Output[0].Get("Uri"));
        Assert.Equal((a, "Existing"), (Assert.Single(second.Output).Text("Name"), second.Output[0].Text("Status")));
        Assert.False(second.HadErrors);
        Assert.True(stack.Storage.ContainerExists(a));
        Assert.True(stack.Storage.ContainerExists(b));
    }

    [Fact]
    public void Names_bind_from_the_pipeline_by_value_and_by_property_name()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (byValue, byName, byAlias) = (LocalStackFixture.NewContainerName("val"), LocalStackFixture.NewContainerName("prop"), LocalStackFixture.NewContainerName("alias"));

        var result = session.Run("""
            param($ByValue, $ByName, $ByAlias)
            $ByValue | New-BwContainer
            [pscustomobject]@{ Name = $ByName } | New-BwContainer
            [pscustomobject]@{ Container = $ByAlias } | New-BwContainer
            """, new { ByValue = byValue, ByName = byName, ByAlias = byAlias }).AssertSucceeded();

        Assert.Equal(new[] { byValue, byName, byAlias }, result.Output.Select(o => o.Text("Name")));
        Assert.All(new[] { byValue, byName, byAlias }, n => Assert.True(stack.Storage.ContainerExists(n)));
    }

    [Theory]
    [InlineData("bad_name", "'_' is not allowed")]
    [InlineData("UPPER", "'U' is not allowed")]
    [InlineData("ab", "it has 2 characters")]
    [InlineData("-leading", "must start and end with a letter or digit")]
    [InlineData("two--hyphens", "consecutive hyphens")]
    public void Invalid_names_are_InvalidArgument_errors_naming_the_value_and_the_other_names_are_still_created(string bad, string rule)
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var good = LocalStackFixture.NewContainerName("good");

        var result = session.Run("param($Bad, $Good) New-BwContainer -Name $Bad, $Good -Verbose", new { Bad = bad, Good = good });

        var error = ErrorAssert.Is(result.SingleError(), "InvalidContainerName", Cmdlet, ErrorCategory.InvalidArgument, bad);
        Assert.Contains($"'{bad}' is not a valid container name", error.Exception.Message);
        Assert.Contains(rule, error.Exception.Message);
        Assert.Contains("lowercase letters", error.ErrorDetails!.RecommendedAction);
        Assert.Equal(good, Assert.Single(result.Output).Text("Name"));
        // No request names it: no ShouldProcess target "bad", no URL path /bad? (a bare substring test also
        // matched the good name's random hex, e.g. "ab" in good-1f0ab3...).
        Assert.DoesNotContain(result.VerboseMessages, m => m.Contains($"\"{bad}\"", StringComparison.Ordinal) || m.Contains($"/{bad}?", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_are_checked_before_any_request_even_when_the_account_is_unreachable()
    {
        using var session = PowerShellSession.Start();
        var unreachable = session.Run("param($Key) Connect-BwAccount -StorageAccountName unreachable -StorageAccountKey $Key -BlobEndpoint 'http://127.0.0.1:9/unreachable'",
            new { Key = ConnectTests.Secure(Convert.ToBase64String(new byte[32])) }).AssertSucceeded();

        var result = session.Run("param($Context) New-BwContainer -Name 'Not_Valid' -Context $Context", new { Context = Assert.Single(unreachable.Output) });

        ErrorAssert.Is(result.SingleError(), "InvalidContainerName", Cmdlet, ErrorCategory.InvalidArgument, "Not_Valid");
    }

    [Fact]
    public void WhatIf_says_what_would_be_created_and_creates_nothing()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var name = LocalStackFixture.NewContainerName("whatif");

        var result = session.Run("param($Name) New-BwContainer $Name -WhatIf", new { Name = name }).AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Equal($"What if: Performing the operation \"Create container\" on target \"{name}\".", Assert.Single(result.WhatIf));
        Assert.False(stack.Storage.ContainerExists(name));
    }

    [Fact]
    public void Verbose_names_the_request()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var name = LocalStackFixture.NewContainerName("verbose");

        var result = session.Run("param($Name) New-BwContainer $Name -Verbose", new { Name = name }).AssertSucceeded();

        Assert.Contains($"Create container if not exists: PUT {stack.BlobEndpoint}/{name}?restype=container", result.VerboseMessages);
    }

    [Fact]
    public void Context_parameter_overrides_the_session_and_binds_by_property_name()
    {
        // A session with no current context: -Context (or a piped object's Context property) says where to go.
        using var session = PowerShellSession.Start();
        var (explicitName, pipedName) = (LocalStackFixture.NewContainerName("ctx"), LocalStackFixture.NewContainerName("ctxpipe"));

        var result = session.Run("""
            param($Context, $Explicit, $Piped)
            New-BwContainer -Name $Explicit -Context $Context
            [pscustomobject]@{ Name = $Piped; Context = $Context } | New-BwContainer
            Get-BwContext
            """, new { stack.Context, Explicit = explicitName, Piped = pipedName }).AssertSucceeded();

        Assert.Equal(new[] { explicitName, pipedName }, result.Output.Select(o => o.Text("Name")));
        Assert.True(stack.Storage.ContainerExists(explicitName));
        Assert.True(stack.Storage.ContainerExists(pipedName));
    }
}
