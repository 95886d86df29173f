using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// A command each node runs when it joins the pool (and after a reboot or reimage). Its working directory is
/// AZ_BATCH_NODE_STARTUP_DIR/wd; BatchWords uses it to install the worker into AZ_BATCH_NODE_SHARED_DIR.
/// </summary>
public sealed class BatchStartTask
{
    // For the deserializer: a response may leave out what a caller must give, and that must not throw.
    [JsonConstructor]
    private BatchStartTask() { CommandLine = null!; }

    public BatchStartTask(string commandLine) =>
        CommandLine = commandLine ?? throw new ArgumentNullException(nameof(commandLine));

    /// <summary>Run without a shell: wrap in /bin/sh -c "…" for expansion or redirection.</summary>
    public string CommandLine { get; set; }

    public IList<ResourceFile>? ResourceFiles { get; set; }
    public IList<EnvironmentSetting>? EnvironmentSettings { get; set; }
    public UserIdentity? UserIdentity { get; set; }

    /// <summary>Service default 0; -1 retries forever.</summary>
    public int? MaxTaskRetryCount { get; set; }

    /// <summary>Service default true: no task is scheduled on a node until its start task succeeded.</summary>
    public bool? WaitForSuccess { get; set; }
}
