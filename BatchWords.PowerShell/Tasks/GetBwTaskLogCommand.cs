using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Gets a task's stdout.txt or stderr.txt from its node, as text.</summary>
[Cmdlet(VerbsCommon.Get, "BwTaskLog",
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(string))]
public sealed class GetBwTaskLogCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string JobId { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    public string TaskId { get; set; } = "";

    /// <summary>
    /// Which file to read. A string, not Core's TaskLogStream enum: a value-type property of a Core type
    /// would make PowerShell load Core while it scans this assembly, before the isolation hook runs.
    /// </summary>
    [Parameter]
    [ValidateSet("stdout", "stderr", IgnoreCase = true)]
    public string Stream { get; set; } = "stdout";

    protected override void ProcessRecordCore()
    {
        var context = ResolveContext();
        WriteObject(Run(ct => new TaskLogReader(context).ReadAsync(JobId, TaskId, ToStream(Stream), ct)));
    }

    private static TaskLogStream ToStream(string name)
        => string.Equals(name, "stderr", StringComparison.OrdinalIgnoreCase) ? TaskLogStream.Stderr : TaskLogStream.Stdout;
}
