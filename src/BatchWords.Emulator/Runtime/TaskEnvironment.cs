using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.Runtime;

/// <summary>Where a task runs and who asked for it: what <see cref="TaskEnvironment.Build"/> needs.</summary>
public sealed record TaskEnvironmentContext(
    string AccountName,
    string AccountUrl,
    string PoolId,
    string NodeId,
    bool IsDedicated,
    string NodeRootDirectory,
    string TaskDirectory,
    string? JobId,
    string? TaskId,
    UserIdentity? UserIdentity,
    IReadOnlyList<NameValue>? JobEnvironment,
    IReadOnlyList<NameValue>? TaskEnvironment);

/// <summary>
/// The process environment of a task or start task (§8.2). It starts almost empty: the emulator's own
/// environment carries its account key, which no task may see. What a node has: PATH (the system PATH plus
/// the shared and working directories), HOME and PWD at the working directory, USER, a few locale variables,
/// then the job's common settings, then the task's own (which win), then the AZ_BATCH_* variables, which are
/// reserved and always win.
/// </summary>
public static class TaskEnvironment
{
    private static readonly string[] PassedThrough = { "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "DOTNET_ROOT" };
    private const string DefaultSystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static Dictionary<string, string> Build(TaskEnvironmentContext c)
    {
        var sharedDir = Path.Combine(c.NodeRootDirectory, "shared");
        var workingDir = Path.Combine(c.TaskDirectory, "wd");
        var systemPath = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(systemPath)) systemPath = DefaultSystemPath;

        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{systemPath}:{sharedDir}:{workingDir}",
            ["HOME"] = workingDir,
            ["PWD"] = workingDir,
            ["USER"] = Environment.UserName,
        };
        foreach (var name in PassedThrough)
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) env[name] = value;

        foreach (var setting in (c.JobEnvironment ?? Array.Empty<NameValue>()).Concat(c.TaskEnvironment ?? Array.Empty<NameValue>()))
            if (!string.IsNullOrEmpty(setting.Name)) env[setting.Name] = setting.Value ?? "";

        env["AZ_BATCH_ACCOUNT_NAME"] = c.AccountName;
        env["AZ_BATCH_ACCOUNT_URL"] = c.AccountUrl.TrimEnd('/') + "/";
        env["AZ_BATCH_POOL_ID"] = c.PoolId;
        env["AZ_BATCH_NODE_ID"] = c.NodeId;
        env["AZ_BATCH_NODE_IS_DEDICATED"] = c.IsDedicated ? "true" : "false";
        env["AZ_BATCH_NODE_ROOT_DIR"] = c.NodeRootDirectory;
        env["AZ_BATCH_NODE_SHARED_DIR"] = sharedDir;
        env["AZ_BATCH_NODE_STARTUP_DIR"] = Path.Combine(c.NodeRootDirectory, "startup");
        env["AZ_BATCH_NODE_MOUNTS_DIR"] = Path.Combine(c.NodeRootDirectory, "fsmounts");
        env["AZ_BATCH_TASK_DIR"] = c.TaskDirectory;
        env["AZ_BATCH_TASK_WORKING_DIR"] = workingDir;
        env["AZ_BATCH_CERTIFICATES_DIR"] = Path.Combine(c.TaskDirectory, "certs");
        env["AZ_BATCH_TASK_USER"] = Environment.UserName;
        env["AZ_BATCH_TASK_USER_IDENTITY"] = IdentityName(c.UserIdentity);
        env["AZ_BATCH_TASK_RESERVED_EPHEMERAL_DISK_SPACE_BYTES"] = "1000000000";
        // The start task is not part of a job (§8.2).
        if (c.JobId is not null) env["AZ_BATCH_JOB_ID"] = c.JobId;
        if (c.TaskId is not null) env["AZ_BATCH_TASK_ID"] = c.TaskId;
        return env;
    }

    /// <summary>PoolNonAdmin, TaskAdmin, … (as observed on nodes), or the named user.</summary>
    private static string IdentityName(UserIdentity? identity)
    {
        if (!string.IsNullOrEmpty(identity?.Username)) return identity.Username;
        var scope = string.Equals(identity?.AutoUser?.Scope, "task", StringComparison.OrdinalIgnoreCase) ? "Task" : "Pool";
        var admin = string.Equals(identity?.AutoUser?.ElevationLevel, "admin", StringComparison.OrdinalIgnoreCase) ? "Admin" : "NonAdmin";
        return scope + admin;
    }
}
