using System.Net;
using System.Text.Json.Nodes;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;
using static BatchWords.Emulator.Tests.Infrastructure.EmulatorFixture;

namespace BatchWords.Emulator.Tests.Wire;

/// <summary>
/// Issue 12, finding 12: enum values are accepted in any case and answered in the spelling of the Batch REST spec
/// for the api-versions served (its enum definitions and examples, which the official @azure/batch 10.2.0 declares
/// as its types: OutputFileUploadCondition = 'tasksuccess' | 'taskfailure' | 'taskcompletion', ...), never echoed
/// as the client wrote them. The JS SDK contract test (tests/js-sdk) checks the same values through the SDK.
/// </summary>
[Collection(WireCollection.Name)]
public sealed class EnumSpellingTests
{
    private readonly EmulatorFixture _emulator;

    public EnumSpellingTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public async Task Values_sent_in_camel_or_pascal_case_come_back_in_the_spec_spelling()
    {
        var id = "enum-" + Guid.NewGuid().ToString("N")[..8];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/pools"), $$$"""
            {"id":"{{{id}}}","vmSize":"standard_d2s_v3","targetDedicatedNodes":0,"taskSchedulingPolicy":{"nodeFillType":"Pack"},
             "virtualMachineConfiguration":{"imageReference":{"publisher":"canonical","offer":"0001-com-ubuntu-server-jammy","sku":"22_04-lts"},
             "nodeAgentSKUId":"batch.node.ubuntu 22.04"},
             "startTask":{"commandLine":"/bin/true","userIdentity":{"autoUser":{"scope":"Pool","elevationLevel":"Admin"} } } }
            """)) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"),
            "{\"id\":\"" + id + "\",\"poolInfo\":{\"poolId\":\"" + id + "\"},\"onAllTasksComplete\":\"NoAction\",\"onTaskFailure\":\"PerformExitOptionsJobAction\"}"))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{id}/tasks"), """
            {"id":"t1","commandLine":"/bin/true","userIdentity":{"autoUser":{"scope":"Task","elevationLevel":"NonAdmin"}},
             "outputFiles":[
               {"filePattern":"a","destination":{"container":{"containerUrl":"http://127.0.0.1:1/c?sig=x"}},"uploadOptions":{"uploadCondition":"taskFailure"}},
               {"filePattern":"b","destination":{"container":{"containerUrl":"http://127.0.0.1:1/c?sig=x"}},"uploadOptions":{"uploadCondition":"TaskSuccess"}},
               {"filePattern":"c","destination":{"container":{"containerUrl":"http://127.0.0.1:1/c?sig=x"}},"uploadOptions":{"uploadCondition":"taskCompletion"}}]}
            """)) Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var pool = await _emulator.GetJsonAsync(Q($"/pools/{id}"));
        Assert.Equal("pack", (string?)pool["taskSchedulingPolicy"]!["nodeFillType"]);
        Assert.Equal("pool", (string?)pool["startTask"]!["userIdentity"]!["autoUser"]!["scope"]);
        Assert.Equal("admin", (string?)pool["startTask"]!["userIdentity"]!["autoUser"]!["elevationLevel"]);
        var job = await _emulator.GetJsonAsync(Q($"/jobs/{id}"));
        Assert.Equal("noaction", (string?)job["onAllTasksComplete"]);
        Assert.Equal("performexitoptionsjobaction", (string?)job["onTaskFailure"]);
        var task = await _emulator.GetJsonAsync(Q($"/jobs/{id}/tasks/t1"));
        Assert.Equal(new[] { "taskfailure", "tasksuccess", "taskcompletion" },
            task["outputFiles"]!.AsArray().Select(f => (string?)f!["uploadOptions"]!["uploadCondition"]));
        Assert.Equal("task", (string?)task["userIdentity"]!["autoUser"]!["scope"]);
        Assert.Equal("nonadmin", (string?)task["userIdentity"]!["autoUser"]!["elevationLevel"]);

        using (var r = await _emulator.SendAsync(HttpMethod.Patch, Q($"/jobs/{id}"), """{"onAllTasksComplete":"TerminateJob"}""")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("terminatejob", (string?)(await _emulator.GetJsonAsync(Q($"/jobs/{id}")))["onAllTasksComplete"]);
    }

    [Fact]
    public async Task A_value_outside_the_enum_is_400_naming_the_property()
    {
        using var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), """{"id":"enum-bad","poolInfo":{"poolId":"p"},"onAllTasksComplete":"terminate"}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("onAllTasksComplete", await r.Content.ReadAsStringAsync());
    }
}
