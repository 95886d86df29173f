using Azure.Storage.Blobs;
using BatchWords.Batch;
using BatchWords.Emulator.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Emulator.Tests.Runtime;

/// <summary>Resource files downloaded from Azurite SAS URLs and output files uploaded to Azurite container SAS URLs.</summary>
[Collection(RuntimeCollection.Name)]
public sealed class StorageRuntimeTests
{
    private readonly RuntimeFixture _fx;

    public StorageRuntimeTests(RuntimeFixture fixture) => _fx = fixture;

    private BatchClient Client => _fx.Client;

    [Fact]
    public async Task Resource_files_come_in_and_outputs_go_out_through_sas_urls()
    {
        var input = await _fx.Azurite.NewContainerAsync("rt-in");
        await input.GetBlobClient("words.txt").UploadAsync(BinaryData.FromString("hello batch"));
        await input.GetBlobClient("set/a.txt").UploadAsync(BinaryData.FromString("A"));
        await input.GetBlobClient("set/sub/b.txt").UploadAsync(BinaryData.FromString("B"));
        await input.GetBlobClient("other/c.txt").UploadAsync(BinaryData.FromString("C"));
        var output = await _fx.Azurite.NewContainerAsync("rt-out");
        var writeSas = AzuriteFixture.WriteSas(output);

        var poolId = RuntimeFixture.NewId("rt-storage");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId);
        var task = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("upper",
            "/bin/sh -c 'mkdir -p out/deep && tr a-z A-Z < words.txt > out/result.txt && cat inputs/set/a.txt inputs/set/sub/b.txt > out/deep/ab.txt && echo done'")
        {
            ResourceFiles = new List<ResourceFile>
            {
                new() { HttpUri = AzuriteFixture.ReadSas(input.GetBlobClient("words.txt")), FilePath = "words.txt" },
                new() { StorageContainerUri = AzuriteFixture.ListReadSas(input), BlobPrefix = "set/", FilePath = "inputs" },
            },
            OutputFiles = new List<OutputFile>
            {
                new("out/**/*.txt", new OutputFileDestination(new OutputFileBlobContainerDestination(writeSas) { Path = "results/upper" }),
                    new OutputFileUploadConfig(OutputFileUploadCondition.TaskSuccess)),
                new("../stdout.txt", new OutputFileDestination(new OutputFileBlobContainerDestination(writeSas) { Path = "logs/upper-stdout.txt" }),
                    new OutputFileUploadConfig(OutputFileUploadCondition.TaskCompletion)),
                new("out/result.txt", new OutputFileDestination(new OutputFileBlobContainerDestination(writeSas) { Path = "never.txt" }),
                    new OutputFileUploadConfig(OutputFileUploadCondition.TaskFailure)),
            },
        });
        Assert.Equal(BatchTaskExecutionResult.Success, task.ExecutionInfo!.Result);

        Assert.Equal("HELLO BATCH", await ReadBlobAsync(output, "results/upper/result.txt"));
        Assert.Equal("AB", await ReadBlobAsync(output, "results/upper/deep/ab.txt")); // only blobs under blobPrefix came in, folders kept
        Assert.Equal("done\n", await ReadBlobAsync(output, "logs/upper-stdout.txt"));
        var names = new List<string>();
        await foreach (var blob in output.GetBlobsAsync()) names.Add(blob.Name);
        Assert.DoesNotContain("never.txt", names); // taskfailure outputs stay behind on success

        var uploadLog = await _fx.ReadTaskFileAsync(jobId, "upper", "fileuploadout.txt");
        Assert.Contains("Uploaded results/upper/result.txt", uploadLog);
        Assert.DoesNotContain("sig=", uploadLog.Replace("sig=REDACTED", "")); // no SAS signature is written down
        await Client.DeletePoolAsync(poolId);
    }

    [Fact]
    public async Task Download_and_upload_failures_complete_the_task_with_their_codes()
    {
        var input = await _fx.Azurite.NewContainerAsync("rt-fail");
        var poolId = RuntimeFixture.NewId("rt-fail");
        await _fx.CreatePoolAsync(poolId, nodes: 1);
        var jobId = await _fx.CreateJobAsync(poolId);

        var missing = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("nofile", "cat data.txt")
        {
            ResourceFiles = new List<ResourceFile> { new() { HttpUri = AzuriteFixture.ReadSas(input.GetBlobClient("absent.txt")), FilePath = "data.txt" } },
            Constraints = new BatchTaskConstraints { MaxTaskRetryCount = 2 },
        });
        Assert.Equal(BatchTaskExecutionResult.Failure, missing.ExecutionInfo!.Result);
        Assert.Equal("BlobNotFound", missing.ExecutionInfo.FailureInfo!.Code);
        Assert.Equal(BatchErrorSourceCategory.UserError, missing.ExecutionInfo.FailureInfo.Category);
        Assert.Null(missing.ExecutionInfo.ExitCode);
        Assert.Equal(0, missing.ExecutionInfo.RetryCount); // preparation failures are not retried
        Assert.DoesNotContain("sig=", missing.ExecutionInfo.FailureInfo.Message!.Replace("sig=REDACTED", ""));

        var gone = _fx.Azurite.Service().GetBlobContainerClient("rt-does-not-exist-" + Guid.NewGuid().ToString("N")[..8]);
        var upload = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("noupload", "/bin/sh -c 'echo data > out.txt'")
        {
            OutputFiles = new List<OutputFile>
            {
                new("out.txt", new OutputFileDestination(new OutputFileBlobContainerDestination(AzuriteFixture.WriteSas(gone))),
                    new OutputFileUploadConfig(OutputFileUploadCondition.TaskCompletion)),
            },
        });
        Assert.Equal(BatchTaskExecutionResult.Failure, upload.ExecutionInfo!.Result);
        Assert.Equal(0, upload.ExecutionInfo.ExitCode); // the process itself succeeded
        Assert.Equal("FileUploadContainerNotFound", upload.ExecutionInfo.FailureInfo!.Code);
        Assert.Contains("FileUploadContainerNotFound", await _fx.ReadTaskFileAsync(jobId, "noupload", "fileuploaderr.txt"));
        await Client.DeletePoolAsync(poolId);
    }

    /// <summary>
    /// The command lines Core really sends (TaskCommandLine), with a stand-in for the worker: the start task installs
    /// it into the shared directory, each task runs it on its input and its output goes to the output container.
    /// </summary>
    [Fact]
    public async Task The_tutorial_command_lines_of_Core_run_as_written()
    {
        const string program = "batchwords-worker";
        var app = await _fx.Azurite.NewContainerAsync("rt-tut-app");
        var worker = app.GetBlobClient(program);
        // --filepath F --numwords N --rule R: the N most frequent words, written to {stem}_OUTPUT{ext}.
        var script = BinaryData.FromString(
            "#!/bin/sh\nf=$2; stem=${f%.*}; ext=.${f##*.}\ntr -s ' ' '\\n' < \"$f\" | sort | uniq -c | sort -rn | head -n \"$4\" | awk '{print $2\": \"$1}' > \"${stem}_OUTPUT${ext}\"\n");
        await worker.UploadAsync(script);
        var sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(script.ToArray())).ToLowerInvariant();
        var input = await _fx.Azurite.NewContainerAsync("rt-tut-in");
        var text = input.GetBlobClient("taskdata1.txt");
        await text.UploadAsync(BinaryData.FromString("the cat and the dog and the bird"));
        var output = await _fx.Azurite.NewContainerAsync("rt-tut-out");

        var poolId = RuntimeFixture.NewId("rt-tutorial");
        var nodes = await _fx.CreatePoolAsync(poolId, nodes: 1, startTask: new BatchStartTask(TaskCommandLine.InstallProgram(program, sha256))
        {
            ResourceFiles = new List<ResourceFile> { new() { HttpUri = AzuriteFixture.ReadSas(worker), FilePath = program } },
            UserIdentity = new UserIdentity { AutoUser = new AutoUserSpecification { Scope = AutoUserScope.Pool, ElevationLevel = ElevationLevel.Admin } },
            WaitForSuccess = true,
            MaxTaskRetryCount = 1,
        });
        Assert.Equal(BatchNodeState.Idle, Assert.Single(nodes).State);

        var jobId = await _fx.CreateJobAsync(poolId);
        var outputName = TaskCommandLine.OutputNameFor(text.Name);
        var task = await _fx.RunAsync(jobId, new BatchTaskCreateOptions("topNtask0", TaskCommandLine.RunTopWords(program, text.Name, 2, "tutorial"))
        {
            ResourceFiles = new List<ResourceFile> { new() { HttpUri = AzuriteFixture.ReadSas(text), FilePath = text.Name } },
            OutputFiles = new List<OutputFile>
            {
                new(outputName, new OutputFileDestination(new OutputFileBlobContainerDestination(AzuriteFixture.WriteSas(output)) { Path = outputName }),
                    new OutputFileUploadConfig(OutputFileUploadCondition.TaskSuccess)),
            },
        });
        Assert.Equal(BatchTaskExecutionResult.Success, task.ExecutionInfo!.Result);
        Assert.Equal("taskdata1_OUTPUT.txt", outputName);
        Assert.Equal("the: 3\nand: 2\n", await ReadBlobAsync(output, outputName));
        await Client.DeletePoolAsync(poolId);
    }

    private static async Task<string> ReadBlobAsync(BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();
}
