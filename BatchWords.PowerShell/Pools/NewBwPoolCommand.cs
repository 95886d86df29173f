using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Creates a pool whose start task installs the worker into $AZ_BATCH_NODE_SHARED_DIR, or reuses a
/// compatible pool with the same id (the tutorial re-run failed with PoolExists here).
/// </summary>
[Cmdlet(VerbsCommon.New, "BwPool", SupportsShouldProcess = true)]
[OutputType(typeof(BwPool))]
public sealed class NewBwPoolCommand : BwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PoolId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string VmSize { get; set; } = "standard_d2s_v3";

    [Parameter]
    [ValidateRange(0, 1000)]
    public int NodeCount { get; set; } = 1;

    [Parameter]
    [ValidateRange(1, 256)]
    public int TaskSlotsPerNode { get; set; } = 1;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "canonical/0001-com-ubuntu-server-jammy/22_04";

    [Parameter]
    [ValidateNotNullOrEmpty]
    [PSDefaultValue(Help = "The bundled worker")]
    public string? Program { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ApplicationContainer { get; set; } = "application";

    protected override void ProcessRecord()
    {
        string? program = null;
        if (Program is not null)
        {
            program = GetUnresolvedProviderPathFromPSPath(Program);
            if (!File.Exists(program))
            {
                WriteError(InvalidArgument("ProgramNotFound", $"The program '{program}' does not exist.", Program, "Pass -Program the path of an existing Linux executable."));
                return;
            }
        }
        if (!ShouldProcess($"pool '{Id}' ({NodeCount} x {VmSize}, image {Image})", "Create or reuse Batch pool")) return;

        var context = ResolveContext();
        var request = new PoolRequest
        {
            Id = Id, VmSize = VmSize, NodeCount = NodeCount, TaskSlotsPerNode = TaskSlotsPerNode, Image = Image,
            ProgramPath = program, ApplicationContainer = ApplicationContainer, Log = VerboseLog,
        };
        try
        {
            var pool = Run(ct => new PoolOperations(context).CreateOrReuseAsync(request, ct));
            // The node count can differ on a reused pool (Batch resizes are outside this module): say so when it
            // was asked for, rather than run the tasks on fewer or more nodes without a word.
            if (pool.Provisioning == PoolProvisioning.Reused && pool.TargetNodes != NodeCount && MyInvocation.BoundParameters.ContainsKey(nameof(NodeCount)))
                WriteWarning($"Pool '{Id}' was reused with its {pool.TargetNodes} target node(s), not the {NodeCount} asked for. To change it, remove the pool with Remove-BwPool and run New-BwPool again, or resize it in the Azure portal.");
            WriteObject(pool);
        }
        catch (BwException e) { WriteError(e); }
    }
}
