using System.Text.Json.Nodes;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Query;
using Xunit;

namespace BatchWords.Emulator.Tests.Unit;

public class ODataFilterTests
{
    private static readonly JsonObject Completed = JsonNode.Parse("""
        {"id":"Task-7","state":"completed","stateTransitionTime":"2025-07-01T12:00:05.0000000Z",
         "executionInfo":{"exitCode":3,"result":"failure","retryCount":0}}
        """)!.AsObject();

    private static readonly JsonObject Active = JsonNode.Parse("""{"id":"task-8","state":"active","executionInfo":{"retryCount":0}}""")!.AsObject();

    [Theory]
    [InlineData("state eq 'completed'", true, false)]
    [InlineData("state ne 'completed'", false, true)]
    [InlineData("state eq 'Completed'", true, false)] // enum values compare ignoring case
    [InlineData("executionInfo/result eq 'Failure'", true, false)]
    [InlineData("executionInfo/exitCode eq 3", true, false)]
    [InlineData("executionInfo/exitCode ne 0", true, true)] // a missing exit code is null, and null ne 0
    [InlineData("executionInfo/exitCode gt 2 and executionInfo/exitCode le 3", true, false)]
    [InlineData("state eq 'completed' and executionInfo/exitCode ne 0", true, false)]
    [InlineData("state eq 'active' or executionInfo/exitCode eq 3", true, true)]
    [InlineData("not (state eq 'active')", true, false)]
    [InlineData("startswith(id,'task-')", true, true)] // ids are case-insensitive
    [InlineData("id eq 'task-7'", true, false)]
    [InlineData("id gt 'task-7'", false, true)]
    [InlineData("stateTransitionTime gt datetime'2025-07-01T12:00:00Z'", true, false)]
    [InlineData("stateTransitionTime lt datetime'2025-07-01T12:00:00Z'", false, false)]
    [InlineData("(state eq 'active') or (state eq 'running')", false, true)]
    public void Evaluates_against_the_wire_json(string filter, bool matchesCompleted, bool matchesActive)
    {
        var parsed = ODataFilter.Parse(filter, FilterableProperties.Tasks);
        Assert.Equal(matchesCompleted, parsed.Matches(Completed));
        Assert.Equal(matchesActive, parsed.Matches(Active));
    }

    [Theory]
    [InlineData("commandLine eq 'x'")] // not filterable on tasks
    [InlineData("state eq")]
    [InlineData("state eq 'open")]
    [InlineData("state eq 'a' and")]
    [InlineData("startswith(id 'x')")]
    [InlineData("state = 'active'")]
    public void Rejects_bad_filters_with_InvalidQueryParameterValue(string filter)
    {
        var error = Assert.Throws<BatchRequestException>(() => ODataFilter.Parse(filter, FilterableProperties.Tasks));
        Assert.Equal(400, error.Status);
        Assert.Equal("InvalidQueryParameterValue", error.Code);
        Assert.Contains(error.Values, v => v.Key == "QueryParameterName" && v.Value == "$filter");
    }

    [Fact]
    public void Quotes_inside_literals_are_doubled()
    {
        var node = JsonNode.Parse("""{"name":"it's.txt"}""")!.AsObject();
        Assert.True(ODataFilter.Parse("name eq 'it''s.txt'", FilterableProperties.Files).Matches(node));
    }

    [Fact]
    public void Select_keeps_only_the_named_top_level_properties()
    {
        var projected = SelectProjection.Parse("id, EXECUTIONINFO").Apply(Completed.DeepClone().AsObject());
        Assert.Equal(new[] { "id", "executionInfo" }, projected.Select(p => p.Key));
    }
}
