using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Creates the job (if absent) and one top-N task per input file piped from Publish-BwInput; each task
/// downloads its input through the read SAS and uploads {stem}_OUTPUT{ext} to the output container
/// through the task's output files. Emits one BwTask per task.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "BwJob", SupportsShouldProcess = true,
    HelpUri = ProjectLinks.Project + "#the-tutorial-step-by-step")]
[OutputType(typeof(BwTask))]
public sealed class StartBwJobCommand : BwCmdlet
{
    // Inputs per context, in the order first piped: each BwInputFile carries the context it was uploaded through
    // (it binds -Context), so inputs of two accounts make a job on each; null is "the session's context".
    private readonly List<(BwContext? Context, List<BwInputFile> Inputs)> _inputs = new();

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string JobId { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [PoolIdTransformation]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PoolIdCompleter))]
    public string Pool { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BwInputFile[] InputFile { get; set; } = Array.Empty<BwInputFile>();

    [Parameter]
    [ValidateRange(0, 100000)]
    public int Top { get; set; } = 3;

    [Parameter]
    [ValidateSet("tutorial", "letters")]
    public string Rule { get; set; } = "tutorial";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string OutputContainer { get; set; } = "output";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string TaskIdPrefix { get; set; } = "topNtask";

    [Parameter]
    [ValidateRange(-1, 100)]
    public int MaxTaskRetryCount { get; set; }

    [Parameter]
    [PSDefaultValue(Help = "No limit")]
    public TimeSpan? MaxWallClockTime { get; set; }

    protected override void ProcessRecordCore()
    {
        var context = RecordContext;
        var group = _inputs.Find(g => ReferenceEquals(g.Context, context));
        if (group.Inputs is null) _inputs.Add(group = (context, new List<BwInputFile>()));
        group.Inputs.AddRange(InputFile);
    }

    // The submission as a whole failing (no such pool, the job exists on another pool) leaves nothing to emit;
    // tasks that could not be added are results of the submission, written as non-terminating errors below.
    protected override bool IsTerminating(BwException error) => true;

    protected override void EndProcessingCore()
    {
        foreach (var (context, inputs) in _inputs) Submit(context, inputs);
    }

    private void Submit(BwContext? recorded, List<BwInputFile> inputs)
    {
        if (inputs.Count == 0) return;
        var where = _inputs.Count > 1 && recorded is not null ? $" in Batch account '{recorded.BatchAccountName}'" : "";
        if (!ShouldProcess($"job '{JobId}' on pool '{Pool}'{where} ({inputs.Count} task(s), top {Top})", "Create Batch job and tasks")) return;
        var context = ResolveContext(recorded);
        var submission = new JobSubmission
        {
            JobId = JobId, PoolId = Pool, Inputs = inputs, Top = Top, Rule = Rule, OutputContainer = OutputContainer,
            TaskIdPrefix = TaskIdPrefix, MaxTaskRetryCount = MaxTaskRetryCount, MaxWallClockTime = MaxWallClockTime, Log = VerboseLog,
        };
        var result = Run(ct => new JobOperations(context).SubmitAsync(submission, ct));
        foreach (var failure in result.Failures) WriteError(failure);
        WriteObject(result.Tasks, enumerateCollection: true);
    }
}
