using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;
using static BatchWords.Emulator.Tests.Infrastructure.EmulatorFixture;

namespace BatchWords.Emulator.Tests.Wire;

/// <summary>
/// Raw HTTP against the emulator: the documented status codes, headers and error bodies of batch-rest-api.md,
/// independent of any client library.
/// </summary>
[Collection(WireCollection.Name)]
public sealed class WireTests
{
    private readonly EmulatorFixture _emulator;

    public WireTests(EmulatorFixture emulator) => _emulator = emulator;

    /// <summary>The §6.1 shape: odata.metadata, code, message {lang, value ending in RequestId/Time}.</summary>
    private static async Task<JsonObject> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal(code, (string?)body["code"]);
        Assert.EndsWith("#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element", (string?)body["odata.metadata"]);
        Assert.Equal("en-US", (string?)body["message"]!["lang"]);
        var requestId = response.Headers.GetValues("request-id").Single();
        Assert.Contains($"\nRequestId:{requestId}\nTime:", (string?)body["message"]!["value"]);
        return body;
    }

    private static string? Value(JsonObject error, string key) =>
        error["values"]?.AsArray().FirstOrDefault(v => (string?)v!["key"] == key)?["value"]?.GetValue<string>();

    [Fact]
    public async Task Missing_api_version_is_400_MissingRequiredQueryParameter()
    {
        using var response = await _emulator.SendAsync(HttpMethod.Get, "/pools");
        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "MissingRequiredQueryParameter");
        Assert.Equal("api-version", Value(error, "QueryParameterName"));
    }

    [Theory]
    [InlineData("2022-01-01.15.0", HttpStatusCode.OK)]
    [InlineData("2022-10-01.16.0", HttpStatusCode.OK)] // what @azure/batch 10.x sends
    [InlineData("2023-05-01.17.0", HttpStatusCode.OK)]
    [InlineData("2023-11-01.18.0", HttpStatusCode.OK)]
    [InlineData("2024-02-01.19.0", HttpStatusCode.OK)]
    [InlineData("2024-07-01.20.0", HttpStatusCode.OK)]
    [InlineData("2025-06-01.21.0", HttpStatusCode.OK)]
    [InlineData("2025-06-01", HttpStatusCode.OK)]
    [InlineData("2021-06-01.14.0", HttpStatusCode.BadRequest)] // older than the oldest GA version supported
    [InlineData("2022-01-01", HttpStatusCode.BadRequest)]      // short form exists only for 2025-06-01
    [InlineData("2099-01-01.99.0", HttpStatusCode.BadRequest)] // unknown
    [InlineData("2024-07-01.20.0-preview", HttpStatusCode.BadRequest)]
    public async Task Accepts_the_documented_api_versions(string version, HttpStatusCode expected)
    {
        using var response = await _emulator.SendAsync(HttpMethod.Get, $"/supportedimages?api-version={version}");
        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK) await AssertErrorAsync(response, expected, "UnsupportedRequestVersion");
    }

    [Fact]
    public async Task A_wrong_signature_is_403_AuthenticationFailed_with_the_string_to_sign()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.BaseUri, Q("/jobs")));
        request.Headers.TryAddWithoutValidation("ocp-date", DateTimeOffset.UtcNow.ToString("r"));
        Sign(request, Convert.ToBase64String(new byte[32])); // another key
        using var response = await _emulator.Http.SendAsync(request);
        var error = await AssertErrorAsync(response, HttpStatusCode.Forbidden, "AuthenticationFailed");
        Assert.Contains("Server used following string to sign: 'GET\n", Value(error, "AuthenticationErrorDetail"));
    }

    [Fact]
    public async Task Request_ids_are_always_sent_and_the_client_id_echoed_when_asked()
    {
        var clientId = Guid.NewGuid().ToString();
        using var response = await _emulator.SendAsync(HttpMethod.Get, Q("/jobs"), customize: r =>
        {
            r.Headers.TryAddWithoutValidation("client-request-id", clientId);
            r.Headers.TryAddWithoutValidation("return-client-request-id", "true");
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Guid.TryParse(response.Headers.GetValues("request-id").Single(), out _));
        Assert.Equal(clientId, response.Headers.GetValues("client-request-id").Single());

        using var silent = await _emulator.SendAsync(HttpMethod.Get, Q("/jobs"), customize: r => r.Headers.TryAddWithoutValidation("client-request-id", clientId));
        Assert.False(silent.Headers.Contains("client-request-id"));
    }

    /// <summary>§12, step by step, with the documented status codes.</summary>
    [Fact]
    public async Task The_minimal_end_to_end_sequence()
    {
        var pool = "wire-pool-" + Guid.NewGuid().ToString("N")[..8];
        var job = "wire-job-" + Guid.NewGuid().ToString("N")[..8];

        using (var created = await _emulator.SendAsync(HttpMethod.Post, Q("/pools"), PoolJson(pool, nodes: 1, slots: 2)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Empty(await created.Content.ReadAsByteArrayAsync());
            Assert.StartsWith("0x", created.Headers.ETag?.Tag.Trim('"') ?? created.Headers.GetValues("ETag").Single());
            Assert.Equal($"{_emulator.BaseUri.ToString().TrimEnd('/')}/pools/{pool}", created.Headers.GetValues("DataServiceId").Single());
        }
        using (var exists = await _emulator.SendAsync(HttpMethod.Head, Q($"/pools/{pool}"))) Assert.Equal(HttpStatusCode.OK, exists.StatusCode);
        using (var again = await _emulator.SendAsync(HttpMethod.Post, Q("/pools"), PoolJson(pool.ToUpperInvariant())))
            await AssertErrorAsync(again, HttpStatusCode.Conflict, "PoolExists"); // ids are case-insensitive

        using (var created = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"{{{pool}}}"},"onAllTasksComplete":"noaction"}"""))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var tasks = string.Join(",", Enumerable.Range(1, 3).Select(i => $$$"""{"id":"t{{{i}}}","commandLine":"/bin/sh -c 'echo hello from {{{i}}}'"}"""));
        using (var added = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/addtaskcollection"), $$$"""{"value":[{{{tasks}}}]}"""))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            var results = (await ReadJsonAsync(added))["value"]!.AsArray();
            Assert.Equal(3, results.Count);
            Assert.All(results, r => Assert.Equal("success", (string?)r!["status"]));
            Assert.All(results, r => Assert.EndsWith($"/jobs/{job}/tasks/{(string?)r!["taskId"]}", (string?)r!["location"]));
        }

        using (var patched = await _emulator.SendAsync(HttpMethod.Patch, Q($"/jobs/{job}"), """{"onAllTasksComplete":"terminatejob"}"""))
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var completed = await Eventually.GetAsync(async () =>
        {
            using var list = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks", "$filter=state%20eq%20'completed'&$select=id,executionInfo&maxresults=1000"));
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            return (await ReadJsonAsync(list))["value"]!.AsArray();
        }, value => value.Count == 3, "three completed tasks");
        Assert.All(completed, t =>
        {
            Assert.Equal(new[] { "id", "executionInfo" }, t!.AsObject().Select(p => p.Key));
            Assert.Equal(0, (int)t["executionInfo"]!["exitCode"]!);
            Assert.Equal("success", (string?)t["executionInfo"]!["result"]);
        });

        using (var stdout = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/t1/files/stdout.txt")))
        {
            Assert.Equal(HttpStatusCode.OK, stdout.StatusCode);
            Assert.Equal("application/octet-stream", stdout.Content.Headers.ContentType?.MediaType);
            Assert.Equal("hello from 1\n", await stdout.Content.ReadAsStringAsync());
            Assert.Equal("false", stdout.Headers.GetValues("ocp-batch-file-isdirectory").Single());
        }

        var finished = await Eventually.GetAsync(async () =>
        {
            using var get = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}"));
            return await ReadJsonAsync(get);
        }, j => (string?)j["state"] == "completed", "the job to complete");
        Assert.Equal("AllTasksComplete", (string?)finished["executionInfo"]!["terminateReason"]);
        Assert.EndsWith("/$metadata#jobs/@Element", (string?)finished["odata.metadata"]);

        using (var deleted = await _emulator.SendAsync(HttpMethod.Delete, Q($"/jobs/{job}"))) Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        using (var deleted = await _emulator.SendAsync(HttpMethod.Delete, Q($"/pools/{pool}"))) Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        await Eventually.GetAsync(async () =>
        {
            using var head = await _emulator.SendAsync(HttpMethod.Head, Q($"/pools/{pool}"));
            return head.StatusCode;
        }, s => s == HttpStatusCode.NotFound, "the pool to disappear");
        Assert.False(Directory.Exists(Path.Combine(_emulator.DataDirectory, "pools", pool)), "the pool's sandboxes are deleted with it");
    }

    [Fact]
    public async Task Add_collection_limits_are_413_RequestBodyTooLarge()
    {
        var job = await NewJobAsync();
        var tooMany = string.Join(",", Enumerable.Range(0, 101).Select(i => $$$"""{"id":"t{{{i}}}","commandLine":"true"}"""));
        using (var response = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/addtaskcollection"), $$$"""{"value":[{{{tooMany}}}]}"""))
            await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge");

        var big = new string('x', 1024 * 1024);
        using (var response = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/addtaskcollection"), $$$"""{"value":[{"id":"big","commandLine":"echo {{{big}}}"}]}"""))
            await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge");

        using var none = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks"));
        Assert.Empty((await ReadJsonAsync(none))["value"]!.AsArray()); // nothing of a refused call was added
    }

    [Fact]
    public async Task Each_task_of_a_collection_gets_its_own_result()
    {
        var job = await NewJobAsync();
        using (var first = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"dup","commandLine":"true"}""")) Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using (var single = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"DUP","commandLine":"true"}""")) await AssertErrorAsync(single, HttpStatusCode.Conflict, "TaskExists");

        using var response = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/addtaskcollection"),
            """{"value":[{"id":"new1","commandLine":"true"},{"id":"Dup","commandLine":"true"},{"id":"bad id!","commandLine":"true"},{"id":"nocmd"}]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await ReadJsonAsync(response))["value"]!.AsArray().ToDictionary(r => (string)r!["taskId"]!, r => r!.AsObject());
        Assert.Equal("success", (string?)results["new1"]["status"]);
        Assert.Equal("clienterror", (string?)results["Dup"]["status"]);
        Assert.Equal("TaskExists", (string?)results["Dup"]["error"]!["code"]);
        Assert.Equal("InvalidPropertyValue", (string?)results["bad id!"]["error"]!["code"]);
        Assert.Equal("MissingRequiredProperty", (string?)results["nocmd"]["error"]!["code"]);
    }

    [Theory]
    [InlineData("/pools/no-such-pool", "PoolNotFound")]
    [InlineData("/jobs/no-such-job", "JobNotFound")]
    [InlineData("/jobs/no-such-job/tasks", "JobNotFound")]
    [InlineData("/pools/no-such-pool/nodes", "PoolNotFound")]
    [InlineData("/jobschedules", "ResourceNotFound")]
    public async Task Unknown_resources_are_404_with_their_code(string path, string code)
    {
        using var response = await _emulator.SendAsync(HttpMethod.Get, Q(path));
        await AssertErrorAsync(response, HttpStatusCode.NotFound, code);
    }

    [Fact]
    public async Task Unknown_tasks_nodes_and_files_are_404_with_their_code()
    {
        var job = await NewJobAsync();
        using (var r = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/nope"))) await AssertErrorAsync(r, HttpStatusCode.NotFound, "TaskNotFound");
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"waiting","commandLine":"true"}""")) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        // Its pool does not exist, so it never runs and has no node: no files yet.
        using (var r = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/waiting/files/stdout.txt"))) await AssertErrorAsync(r, HttpStatusCode.Conflict, "TaskFilesUnavailable");
        using (var r = await _emulator.SendAsync(HttpMethod.Head, Q("/pools/nope"))) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_the_documented_400_codes()
    {
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), """{"id":"x"}""")) await AssertErrorAsync(r, HttpStatusCode.BadRequest, "MissingRequiredProperty");
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), """{"id":"has space","poolInfo":{"poolId":"p"}}""")) await AssertErrorAsync(r, HttpStatusCode.BadRequest, "InvalidPropertyValue");
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), """{"id":"x","poolInfo":""")) await AssertErrorAsync(r, HttpStatusCode.BadRequest, "InvalidRequestBody");
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{new string('a', 65)}}}","poolInfo":{"poolId":"p"}}""")) await AssertErrorAsync(r, HttpStatusCode.BadRequest, "InvalidPropertyValue");
        using (var r = await _emulator.SendAsync(HttpMethod.Get, Q("/jobs", "$filter=commandLine%20eq%20'x'"))) await AssertErrorAsync(r, HttpStatusCode.BadRequest, "InvalidQueryParameterValue");
        using (var r = await _emulator.SendAsync(HttpMethod.Get, Q("/jobs", "maxresults=0"))) await AssertErrorAsync(r, HttpStatusCode.BadRequest, "OutOfRangeQueryParameterValue");
        using (var r = await _emulator.SendAsync(HttpMethod.Put, Q("/pools"))) await AssertErrorAsync(r, HttpStatusCode.MethodNotAllowed, "UnsupportedHttpVerb");
    }

    [Fact]
    public async Task A_job_created_with_terminatejob_and_no_tasks_completes_at_once()
    {
        var job = "wire-empty-" + Guid.NewGuid().ToString("N")[..8];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"p"},"onAllTasksComplete":"terminatejob"}"""))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using var get = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}"));
        var body = await ReadJsonAsync(get);
        Assert.Equal("completed", (string?)body["state"]);
        Assert.Equal("AllTasksComplete", (string?)body["executionInfo"]!["terminateReason"]);
        using var late = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"t","commandLine":"true"}""");
        await AssertErrorAsync(late, HttpStatusCode.Conflict, "JobCompleted");
    }

    [Fact]
    public async Task Unknown_request_properties_are_ignored()
    {
        var job = "wire-extra-" + Guid.NewGuid().ToString("N")[..8];
        using var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"p"},"someFutureProperty":{"a":1}}""");
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
    }

    [Fact]
    public async Task Lists_page_with_an_opaque_skiptoken_built_from_the_request_url()
    {
        var job = await NewJobAsync();
        var tasks = string.Join(",", Enumerable.Range(0, 25).Select(i => $$$"""{"id":"p{{{i:D2}}}","commandLine":"true"}"""));
        using (var added = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/addtaskcollection"), $$$"""{"value":[{{{tasks}}}]}""")) Assert.Equal(HttpStatusCode.OK, added.StatusCode);

        var seen = new List<string>();
        string? next = Q($"/jobs/{job}/tasks", "maxresults=10&$select=id");
        var pages = 0;
        while (next is not null)
        {
            using var response = await _emulator.SendAsync(HttpMethod.Get, next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await ReadJsonAsync(response);
            seen.AddRange(body["value"]!.AsArray().Select(t => (string)t!["id"]!));
            next = (string?)body["odata.nextLink"];
            if (next is not null)
            {
                Assert.StartsWith(_emulator.BaseUri.ToString().TrimEnd('/') + $"/jobs/{job}/tasks?", next);
                Assert.Contains("maxresults=10", next);
                Assert.Contains("skiptoken=", next);
            }
            pages++;
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"p{i:D2}"), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Conditional_requests_use_the_etag()
    {
        var job = await NewJobAsync();
        using var get = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}"));
        var etag = get.Headers.GetValues("ETag").Single();
        using (var notModified = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}"), customize: r => r.Headers.TryAddWithoutValidation("If-None-Match", etag)))
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using (var stale = await _emulator.SendAsync(HttpMethod.Patch, Q($"/jobs/{job}"), """{"priority":5}""", r => r.Headers.TryAddWithoutValidation("If-Match", "0x1")))
            await AssertErrorAsync(stale, HttpStatusCode.PreconditionFailed, "ConditionNotMet");
        using var fresh = await _emulator.SendAsync(HttpMethod.Patch, Q($"/jobs/{job}"), """{"priority":5}""", r => r.Headers.TryAddWithoutValidation("If-Match", $"\"{etag}\""));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual(etag, fresh.Headers.GetValues("ETag").Single());
    }

    [Fact]
    public async Task Supported_images_filter_on_verification_type()
    {
        using var response = await _emulator.SendAsync(HttpMethod.Get, Q("/supportedimages", "$filter=verificationType%20eq%20'verified'"));
        var images = (await ReadJsonAsync(response))["value"]!.AsArray();
        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.Equal("verified", (string?)i!["verificationType"]));
        Assert.Contains(images, i => (string?)i!["nodeAgentSKUId"] == "batch.node.ubuntu 22.04");
    }

    [Fact]
    public async Task Body_json_follows_the_wire_conventions()
    {
        var job = "wire-json-" + Guid.NewGuid().ToString("N")[..8];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"p"},"constraints":{"maxWallClockTime":"PT6H"}}"""))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"t","commandLine":"true","constraints":{"maxTaskRetryCount":2}}""")) { }
        using var get = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/t"));
        Assert.StartsWith("application/json", get.Content.Headers.ContentType?.MediaType);
        var text = await get.Content.ReadAsStringAsync();
        var task = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("odata.metadata", task.First().Key);
        Assert.Equal("active", (string?)task["state"]);
        Assert.Equal("P10675199DT2H48M5.4775807S", (string?)task["constraints"]!["maxWallClockTime"]); // unlimited
        Assert.Equal(0, (int)task["executionInfo"]!["retryCount"]!); // required even before it ran
        Assert.DoesNotContain("null", text); // nulls are left out
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", (string?)task["creationTime"]);
        using var jobGet = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}"));
        Assert.Equal("PT6H", (string?)(await ReadJsonAsync(jobGet))["constraints"]!["maxWallClockTime"]);
    }

    [Fact]
    public async Task The_files_api_decodes_paths_refuses_dot_dot_and_honours_ranges()
    {
        var pool = "wire-files-" + Guid.NewGuid().ToString("N")[..8];
        var job = "wire-files-" + Guid.NewGuid().ToString("N")[..8];
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/pools"), PoolJson(pool))) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"{{{pool}}}"}}"""))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Post, Q($"/jobs/{job}/tasks"), """{"id":"f","commandLine":"/bin/sh -c 'mkdir -p sub && printf 0123456789 > sub/data.txt'"}"""))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var node = await Eventually.GetAsync(async () =>
        {
            using var get = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f"));
            return await ReadJsonAsync(get);
        }, t => (string?)t["state"] == "completed", "the task to complete");
        Assert.Equal("success", (string?)node["executionInfo"]!["result"]);

        // One segment with %2F (as the .NET SDK sends it) and plain slashes reach the same file.
        foreach (var path in new[] { "wd%2Fsub%2Fdata.txt", "wd/sub/data.txt" })
        {
            using var get = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f/files/{path}"));
            Assert.Equal("0123456789", await get.Content.ReadAsStringAsync());
        }
        using (var head = await _emulator.SendAsync(HttpMethod.Head, Q($"/jobs/{job}/tasks/f/files/wd%2Fsub%2Fdata.txt")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(10, head.Content.Headers.ContentLength);
            Assert.Equal("false", head.Headers.GetValues("ocp-batch-file-isdirectory").Single());
            Assert.Matches("^0[0-7]{3}$", head.Headers.GetValues("ocp-batch-file-mode").Single());
            Assert.NotNull(head.Content.Headers.LastModified);
        }
        using (var range = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f/files/wd%2Fsub%2Fdata.txt"),
                   customize: r => r.Headers.TryAddWithoutValidation("ocp-range", "bytes=2-4")))
            Assert.Equal("234", await range.Content.ReadAsStringAsync());
        using (var bad = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f/files/wd%2Fsub%2Fdata.txt"),
                   customize: r => r.Headers.TryAddWithoutValidation("ocp-range", "bytes=50-60")))
            await AssertErrorAsync(bad, HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange");
        using (var escape = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f/files/wd%2F..%2F..%2F..%2Fshared")))
            await AssertErrorAsync(escape, HttpStatusCode.BadRequest, "InvalidUri");
        using (var missing = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f/files/nope.txt")))
            await AssertErrorAsync(missing, HttpStatusCode.NotFound, "FileNotFound");

        using (var list = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f/files")))
        {
            var names = (await ReadJsonAsync(list))["value"]!.AsArray().Select(f => (string)f!["name"]!).ToList();
            Assert.Contains("stdout.txt", names);
            Assert.Contains("wd", names);
            Assert.DoesNotContain("wd/sub/data.txt", names); // not recursive
        }
        using (var list = await _emulator.SendAsync(HttpMethod.Get, Q($"/jobs/{job}/tasks/f/files", "recursive=true&$filter=startswith(name,'wd/')")))
        {
            var files = (await ReadJsonAsync(list))["value"]!.AsArray();
            var data = files.Single(f => (string?)f!["name"] == "wd/sub/data.txt")!;
            Assert.Equal("10", (string?)data["properties"]!["contentLength"]); // int64 as a string
            Assert.False((bool)data["isDirectory"]!);
            Assert.All(files, f => Assert.StartsWith("wd/", (string?)f!["name"]));
        }

        var nodeId = (string)node["nodeInfo"]!["nodeId"]!;
        using (var nodeFiles = await _emulator.SendAsync(HttpMethod.Get, Q($"/pools/{pool}/nodes/{nodeId}/files")))
        {
            var names = (await ReadJsonAsync(nodeFiles))["value"]!.AsArray().Select(f => (string)f!["name"]!).ToList();
            Assert.Contains("startup", names);
            Assert.Contains("shared", names);
            Assert.Contains("workitems", names);
        }
        using (var taskFileOnNode = await _emulator.SendAsync(HttpMethod.Get, Q($"/pools/{pool}/nodes/{nodeId}/files/workitems%2F{job}%2Fjob-1%2Ff%2Fwd%2Fsub%2Fdata.txt")))
            Assert.Equal("0123456789", await taskFileOnNode.Content.ReadAsStringAsync());
        using (var deleted = await _emulator.SendAsync(HttpMethod.Delete, Q($"/jobs/{job}/tasks/f/files/wd%2Fsub%2Fdata.txt"))) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using (var gone = await _emulator.SendAsync(HttpMethod.Head, Q($"/jobs/{job}/tasks/f/files/wd%2Fsub%2Fdata.txt"))) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var r = await _emulator.SendAsync(HttpMethod.Delete, Q($"/pools/{pool}"))) Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
    }

    private async Task<string> NewJobAsync()
    {
        var job = "wire-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await _emulator.SendAsync(HttpMethod.Post, Q("/jobs"), $$$"""{"id":"{{{job}}}","poolInfo":{"poolId":"no-pool-{{{job}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return job;
    }
}
