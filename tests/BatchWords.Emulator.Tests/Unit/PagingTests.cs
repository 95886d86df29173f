using BatchWords.Emulator.Http;
using BatchWords.Emulator.Query;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

public class PagingTests
{
    private static DefaultHttpContext Context(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:1234");
        context.Request.Path = "/jobs/j/tasks";
        context.Request.QueryString = new QueryString(query);
        return context;
    }

    [Theory]
    [InlineData("0000000000000000042")]
    [InlineData("wd/sub dir/file name.txt")]
    public void Tokens_round_trip_and_stay_url_safe(string key)
    {
        var token = Paging.Token(key);
        Assert.DoesNotContain(token, c => c is '+' or '/' or '=' or '&');
        Assert.Equal(key, Paging.After(Context("?$skiptoken=" + token)));
    }

    [Fact]
    public void A_token_that_was_not_issued_here_is_refused()
    {
        var error = Assert.Throws<BatchRequestException>(() => Paging.After(Context("?$skiptoken=bm90LW91cnM")));
        Assert.Equal("InvalidQueryParameterValue", error.Code);
    }

    [Fact]
    public void The_next_link_keeps_the_query_and_replaces_the_token()
    {
        var context = Context("?api-version=2025-06-01.21.0&%24filter=state%20eq%20%27active%27&maxresults=5&$skiptoken=" + Paging.Token("1"));
        var link = new Uri(Paging.NextLink(context, "7"));
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        Assert.Equal("http://127.0.0.1:1234/jobs/j/tasks", link.GetLeftPart(UriPartial.Path));
        Assert.Equal("state eq 'active'", query["$filter"]);
        Assert.Equal("5", query["maxresults"]);
        Assert.Equal("2025-06-01.21.0", query["api-version"]);
        Assert.Equal(new[] { Paging.Token("7") }, query.GetValues("$skiptoken"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    public void Maxresults_outside_1_to_1000_is_a_400(string value)
    {
        var error = Assert.Throws<BatchRequestException>(() => Paging.PageSize(Context("?maxresults=" + value)));
        Assert.Equal(400, error.Status);
    }
}
