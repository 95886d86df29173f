using System.Management.Automation;
using BatchWords.PowerShell.Tests.Infrastructure;
using Xunit;

namespace BatchWords.PowerShell.Tests;

/// <summary>
/// Remove-BwContainer: ConfirmImpact High, so it asks through the host unless -Force or -Confirm:$false; the
/// scripted host answers the prompts, and a runspace with no host shows what unattended automation gets.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class RemoveContainerTests(LocalStackFixture stack)
{
    private const string Cmdlet = "RemoveBwContainerCommand";

    private string NewContainer(string stem)
    {
        var name = LocalStackFixture.NewContainerName(stem);
        stack.Storage.CreateContainer(name);
        stack.Storage.PutBlob(name, "blob.txt", "content"u8.ToArray());
        return name;
    }

    [Fact]
    public void Asks_through_the_host_and_removes_when_the_answer_is_yes()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost().Answer("Yes"));
        var name = NewContainer("yes");

        var result = session.Run("param($Name) Remove-BwContainer $Name", new { Name = name }).AssertSucceeded();

        var prompt = Assert.Single(result.Prompts);
        Assert.Equal("Confirm", prompt.Caption);
        Assert.Contains($"Performing the operation \"Remove container\" on target \"{name}\".", prompt.Message);
        Assert.Equal(new[] { "Yes", "Yes to All", "No", "No to All", "Suspend" }, prompt.Choices);
        Assert.Empty(result.Output);
        Assert.False(stack.Storage.ContainerExists(name));
    }

    [Fact]
    public void Keeps_the_container_when_the_answer_is_no()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost().Answer("No"));
        var name = NewContainer("no");

        var result = session.Run("param($Name) Remove-BwContainer $Name -Verbose", new { Name = name }).AssertSucceeded();

        Assert.Equal("No", Assert.Single(result.Prompts).Answer);
        Assert.DoesNotContain(result.VerboseMessages, m => m.StartsWith("Delete container", StringComparison.Ordinal));
        Assert.True(stack.Storage.ContainerExists(name));
        Assert.Equal("content"u8.ToArray(), stack.Storage.GetBlob(name, "blob.txt"));
    }

    [Fact]
    public void Yes_to_All_answers_once_for_every_container_of_the_pipeline()
    {
        var host = new TestHost().Answer("Yes to All");
        using var session = PowerShellSession.ConnectedTo(stack, host);
        var names = new[] { NewContainer("all-a"), NewContainer("all-b"), NewContainer("all-c") };

        var result = session.Run("param($Names) $Names | Remove-BwContainer -PassThru", new { Names = names }).AssertSucceeded();

        Assert.Single(result.Prompts);
        Assert.Equal(names, result.Output.Select(o => o.Text("Name")));
        Assert.All(result.Output, o => Assert.Equal(("BatchWords.BwContainer", "Removed"), (o.TypeName(), o.Text("Status"))));
        Assert.All(names, n => Assert.False(stack.Storage.ContainerExists(n)));
    }

    [Theory]
    [InlineData("-Force")]
    [InlineData("-Confirm:$false")]
    public void Force_or_Confirm_false_removes_without_asking(string switches)
    {
        // No answers queued: any prompt fails the test.
        using var session = PowerShellSession.ConnectedTo(stack);
        var name = NewContainer("force");

        var result = session.Run($"param($Name) Remove-BwContainer $Name {switches} -Verbose", new { Name = name }).AssertSucceeded();

        Assert.Empty(result.Prompts);
        Assert.Contains($"Delete container: DELETE {stack.BlobEndpoint}/{name}?restype=container", result.VerboseMessages);
        Assert.False(stack.Storage.ContainerExists(name));
    }

    [Fact]
    public void An_explicit_Confirm_asks_even_with_Force()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost().Answer("No"));
        var name = NewContainer("forceconfirm");

        var result = session.Run("param($Name) Remove-BwContainer $Name -Force -Confirm", new { Name = name }).AssertSucceeded();

        Assert.Equal("No", Assert.Single(result.Prompts).Answer);
        Assert.True(stack.Storage.ContainerExists(name));
    }

    [Fact]
    public void With_ConfirmPreference_None_it_still_asks_once_through_ShouldContinue_unless_Force()
    {
        using var session = PowerShellSession.ConnectedTo(stack, new TestHost().Answer("Yes"));
        var (asked, forced) = (NewContainer("cont"), NewContainer("contforce"));

        var result = session.Run("""
            param($Asked, $Forced)
            $ConfirmPreference = 'None'
            Remove-BwContainer $Asked
            Remove-BwContainer $Forced -Force
            """, new { Asked = asked, Forced = forced }).AssertSucceeded();

        var prompt = Assert.Single(result.Prompts);
        Assert.Equal(("Remove container", $"Remove container '{asked}' and every blob in it?"), (prompt.Caption, prompt.Message));
        Assert.False(stack.Storage.ContainerExists(asked));
        Assert.False(stack.Storage.ContainerExists(forced));
    }

    [Fact]
    public void WhatIf_says_what_would_be_removed_removes_nothing_and_does_not_ask()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var name = NewContainer("whatif");

        var result = session.Run("param($Name) Remove-BwContainer $Name -WhatIf; Remove-BwContainer $Name -WhatIf -Force", new { Name = name }).AssertSucceeded();

        Assert.Empty(result.Prompts);
        Assert.Equal(2, result.WhatIf.Count);
        Assert.All(result.WhatIf, w => Assert.Equal($"What if: Performing the operation \"Remove container\" on target \"{name}\".", w));
        Assert.True(stack.Storage.ContainerExists(name));
    }

    [Fact]
    public void With_no_host_it_must_be_given_Confirm_false_or_Force()
    {
        using var session = PowerShellSession.StartWithoutHost();
        var (kept, removed, forced) = (NewContainer("nohost"), NewContainer("nohostok"), NewContainer("nohostforce"));
        session.Run("param($Context) $null = Connect-BwAccount -Context $Context", new { stack.Context }).AssertSucceeded();

        var refused = session.Run("param($Name) Remove-BwContainer $Name", new { Name = kept });
        var confirmed = session.Run("param($Name) Remove-BwContainer $Name -Confirm:$false", new { Name = removed }).AssertSucceeded();
        var withForce = session.Run("param($Name) Remove-BwContainer $Name -Force", new { Name = forced }).AssertSucceeded();

        var error = refused.SingleError();
        Assert.Equal("HostFunctionNotImplemented", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.True(stack.Storage.ContainerExists(kept));
        Assert.False(stack.Storage.ContainerExists(removed));
        Assert.False(stack.Storage.ContainerExists(forced));
        Assert.False(confirmed.HadErrors || withForce.HadErrors);
    }

    [Fact]
    public void A_missing_container_is_an_ObjectNotFound_error_and_the_others_are_still_removed()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (missing, present) = (LocalStackFixture.NewContainerName("gone"), NewContainer("present"));

        var result = session.Run("param($Missing, $Present) Remove-BwContainer $Missing, $Present -Force", new { Missing = missing, Present = present });

        ErrorAssert.Is(result.SingleError(), "StorageContainerNotFound", Cmdlet, ErrorCategory.ObjectNotFound, missing);
        Assert.False(stack.Storage.ContainerExists(present));
    }

    [Fact]
    public void An_invalid_name_is_InvalidArgument_before_any_prompt_or_request()
    {
        using var session = PowerShellSession.ConnectedTo(stack);

        var result = session.Run("Remove-BwContainer 'No_Such' -Verbose");

        ErrorAssert.Is(result.SingleError(), "InvalidContainerName", Cmdlet, ErrorCategory.InvalidArgument, "No_Such");
        Assert.Empty(result.Prompts);
        Assert.Empty(result.Verbose);
    }

    [Fact]
    public void Containers_from_New_BwContainer_pipe_in_by_property_name()
    {
        using var session = PowerShellSession.ConnectedTo(stack);
        var (a, b) = (LocalStackFixture.NewContainerName("pipe-a"), LocalStackFixture.NewContainerName("pipe-b"));

        session.Run("param($A, $B) New-BwContainer $A, $B | Remove-BwContainer -Force", new { A = a, B = b }).AssertSucceeded();

        Assert.False(stack.Storage.ContainerExists(a));
        Assert.False(stack.Storage.ContainerExists(b));
    }
}
