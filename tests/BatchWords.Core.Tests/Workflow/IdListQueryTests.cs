using Xunit;

namespace BatchWords.Core.Tests.Workflow;

/// <summary>How Get-BwPool/Get-BwJob's -Id pattern, -Filter and -MaxCount become a service filter and a client-side match.</summary>
public sealed class IdListQueryTests
{
    [Theory]
    [InlineData("ux*", "ux")]
    [InlineData("job-?", "job-")]
    [InlineData("run[12]*", "run")]
    [InlineData("*", "")]
    [InlineData("exact", "exact")]
    [InlineData("a`*b*", "a*b")]
    public void The_literal_prefix_is_the_text_before_the_first_wildcard(string pattern, string prefix)
        => Assert.Equal(prefix, WildcardText.LiteralPrefix(pattern));

    [Theory]
    [InlineData("ux*", true)]
    [InlineData("job-?", true)]
    [InlineData("run[12]", true)]
    [InlineData("exact", false)]
    [InlineData("a`*", false)]
    public void Wildcards_are_found_unless_escaped(string pattern, bool expected)
        => Assert.Equal(expected, WildcardText.HasWildcards(pattern));

    [Fact]
    public void The_service_filter_joins_the_callers_filter_and_the_prefix()
    {
        Assert.Null(new IdListQuery().ServiceFilter);
        Assert.Equal("startswith(id,'ux')", new IdListQuery { IdPrefix = "ux" }.ServiceFilter);
        Assert.Equal("state eq 'active'", new IdListQuery { Filter = " state eq 'active' " }.ServiceFilter);
        Assert.Equal("(state eq 'active') and startswith(id,'ux')", new IdListQuery { Filter = "state eq 'active'", IdPrefix = "ux" }.ServiceFilter);
    }

    [Fact]
    public void A_prefix_no_id_can_have_matches_nothing_and_is_never_sent()
    {
        // Batch ids are letters, digits, '-' and '_': a quote or a dot cannot start one (and cannot reach the filter).
        var query = new IdListQuery { IdPrefix = "x') or true or ('" };
        Assert.False(query.CanMatch);
        Assert.Null(query.ServiceFilter);
        Assert.False(new IdListQuery { IdPrefix = "ux." }.CanMatch);
        Assert.True(new IdListQuery { IdPrefix = "Ux-_9" }.CanMatch);
    }

    [Fact]
    public void The_page_size_is_MaxCount_only_when_every_item_is_kept()
    {
        Assert.Equal(5, new IdListQuery { MaxCount = 5 }.PageSize);
        Assert.Null(new IdListQuery { MaxCount = 5, IdMatch = _ => true }.PageSize);
        Assert.Null(new IdListQuery { MaxCount = 5000 }.PageSize);
        Assert.Null(new IdListQuery().PageSize);
    }

    [Fact]
    public async Task Collecting_keeps_matches_in_order_and_stops_reading_at_MaxCount()
    {
        var read = 0;
        async IAsyncEnumerable<string> Ids()
        {
            foreach (var id in new[] { "ux-1", "other", "UX-2", "ux-3", "ux-4" })
            {
                read++;
                await Task.Yield();
                yield return id;
            }
        }
        var query = new IdListQuery { IdMatch = id => id.StartsWith("ux", StringComparison.OrdinalIgnoreCase), MaxCount = 2 };

        var kept = await query.CollectAsync(Ids(), id => id, CancellationToken.None);

        Assert.Equal(new[] { "ux-1", "UX-2" }, kept);
        Assert.Equal(3, read);
    }

    [Fact]
    public async Task A_query_that_cannot_match_reads_nothing()
    {
        var read = 0;
        async IAsyncEnumerable<string> Ids()
        {
            read++;
            await Task.Yield();
            yield return "a";
        }

        var kept = await new IdListQuery { IdPrefix = "a.b" }.CollectAsync(Ids(), id => id, CancellationToken.None);

        Assert.Empty(kept);
        Assert.Equal(0, read);
    }
}
