using System.Reflection;

namespace BatchWords;

/// <summary>
/// Every error id BatchWords raises (the ErrorRecord's id, the first part of FullyQualifiedErrorId), one per
/// condition whichever cmdlet meets it: a missing container is ContainerNotFound from Publish-BwInput,
/// Receive-BwOutput and Remove-BwContainer alike. Service failures without an id of their own here are
/// Batch{code} and Storage{code} (<see cref="FromBatchService"/>, <see cref="FromStorageService"/>).
/// README's error table lists exactly these, and tests/ErrorIds.Tests.ps1 checks the two against each other
/// and against the ids the source code raises.
/// </summary>
public static class BwErrorIds
{
    // Accounts and contexts
    public const string AmbiguousStorageAuthentication = nameof(AmbiguousStorageAuthentication);
    public const string ContextWithAccountParameters = nameof(ContextWithAccountParameters);
    public const string InvalidAccountKey = nameof(InvalidAccountKey);
    public const string InvalidBatchAccountName = nameof(InvalidBatchAccountName);
    public const string InvalidBatchAccountUrl = nameof(InvalidBatchAccountUrl);
    public const string InvalidConnectionString = nameof(InvalidConnectionString);
    public const string InvalidCredential = nameof(InvalidCredential);
    public const string InvalidStorageAccountName = nameof(InvalidStorageAccountName);
    public const string MissingBatchAccountUrl = nameof(MissingBatchAccountUrl);
    public const string MissingStorageAccountName = nameof(MissingStorageAccountName);
    public const string NoBatchAccount = nameof(NoBatchAccount);
    public const string TokenAcquisitionFailed = nameof(TokenAcquisitionFailed);
    public const string CredentialWithoutEntraId = nameof(CredentialWithoutEntraId);
    public const string BatchAuthenticationFailed = nameof(BatchAuthenticationFailed);
    public const string StorageAuthenticationFailed = nameof(StorageAuthenticationFailed);

    // The Local backend
    public const string AzuriteNotFound = nameof(AzuriteNotFound);
    public const string DotnetNotFound = nameof(DotnetNotFound);
    public const string EmulatorNotFound = nameof(EmulatorNotFound);
    public const string NodeNotFound = nameof(NodeNotFound);
    public const string LocalDiskFull = nameof(LocalDiskFull);
    public const string LocalServiceStartFailed = nameof(LocalServiceStartFailed);
    public const string LocalServiceStartTimeout = nameof(LocalServiceStartTimeout);
    public const string LocalServiceStillRunning = nameof(LocalServiceStillRunning);
    public const string EmulatorNotExecutable = nameof(EmulatorNotExecutable);
    public const string LocalBackendNotSupportedOnPlatform = nameof(LocalBackendNotSupportedOnPlatform);
    public const string LocalCertificateUnusable = nameof(LocalCertificateUnusable);
    public const string LocalStackFilesDamaged = nameof(LocalStackFilesDamaged);
    public const string LocalStackFilesNotFound = nameof(LocalStackFilesNotFound);
    public const string LocalStackInstallFailed = nameof(LocalStackInstallFailed);
    public const string LocalStackInstallTimeout = nameof(LocalStackInstallTimeout);
    public const string LocalStackInUse = nameof(LocalStackInUse);
    public const string NodeJsNotFound = nameof(NodeJsNotFound);
    public const string NodeJsTooOld = nameof(NodeJsTooOld);
    public const string NpmNotFound = nameof(NpmNotFound);

    // Storage: containers, uploads, downloads
    public const string BlobContentDiffers = nameof(BlobContentDiffers);
    public const string CannotIssueSas = nameof(CannotIssueSas);
    public const string ContainerNotFound = nameof(ContainerNotFound);
    public const string ContainerUsedByPool = nameof(ContainerUsedByPool);
    public const string DestinationNotWritable = nameof(DestinationNotWritable);
    public const string DuplicateBlobName = nameof(DuplicateBlobName);
    public const string InputFileNotFound = nameof(InputFileNotFound);
    public const string InputFileUnreadable = nameof(InputFileUnreadable);
    public const string InputPathIsDirectory = nameof(InputPathIsDirectory);
    public const string InvalidBlobPrefix = nameof(InvalidBlobPrefix);
    public const string InvalidContainerName = nameof(InvalidContainerName);
    public const string InvalidSasExpiry = nameof(InvalidSasExpiry);
    public const string InvalidThrottleLimit = nameof(InvalidThrottleLimit);
    public const string MissingDestination = nameof(MissingDestination);
    public const string OutputBlobNotFound = nameof(OutputBlobNotFound);
    public const string OutputFileExists = nameof(OutputFileExists);
    public const string OutputPathIsDirectory = nameof(OutputPathIsDirectory);
    public const string UnsafeBlobName = nameof(UnsafeBlobName);
    public const string StorageRequestFailed = nameof(StorageRequestFailed);

    // Pools
    public const string InvalidImage = nameof(InvalidImage);
    public const string InvalidNodeCount = nameof(InvalidNodeCount);
    public const string InvalidPoolId = nameof(InvalidPoolId);
    public const string InvalidTaskSlotsPerNode = nameof(InvalidTaskSlotsPerNode);
    public const string NoMatchingImage = nameof(NoMatchingImage);
    public const string PoolIncompatible = nameof(PoolIncompatible);
    public const string PoolNotFound = nameof(PoolNotFound);
    public const string ProgramNotFound = nameof(ProgramNotFound);
    public const string ProgramUnreadable = nameof(ProgramUnreadable);
    public const string ProgramUploadFailed = nameof(ProgramUploadFailed);
    public const string UnsupportedFileName = nameof(UnsupportedFileName);
    public const string WorkerNotFound = nameof(WorkerNotFound);

    // Capacity: Spot nodes, resizing, autoscale
    public const string AutoScaleFormulaFailed = nameof(AutoScaleFormulaFailed);
    public const string EmptyFormula = nameof(EmptyFormula);
    public const string IntervalWithoutFormula = nameof(IntervalWithoutFormula);
    public const string InvalidAutoScaleEvaluationInterval = nameof(InvalidAutoScaleEvaluationInterval);
    public const string InvalidNodeDeallocationOption = nameof(InvalidNodeDeallocationOption);
    public const string InvalidResizeTimeout = nameof(InvalidResizeTimeout);
    public const string InvalidSpotNodeCount = nameof(InvalidSpotNodeCount);
    public const string NoTargetGiven = nameof(NoTargetGiven);
    public const string PoolResizeTimedOut = nameof(PoolResizeTimedOut);

    // Jobs and tasks
    public const string DuplicateInput = nameof(DuplicateInput);
    public const string InvalidJobId = nameof(InvalidJobId);
    public const string InvalidRule = nameof(InvalidRule);
    public const string InvalidTaskId = nameof(InvalidTaskId);
    public const string InvalidTimeout = nameof(InvalidTimeout);
    public const string InvalidTop = nameof(InvalidTop);
    public const string JobNotActive = nameof(JobNotActive);
    public const string JobNotFound = nameof(JobNotFound);
    public const string JobOnAnotherPool = nameof(JobOnAnotherPool);
    public const string NoInputs = nameof(NoInputs);
    public const string NotATopWordsFile = nameof(NotATopWordsFile);
    public const string PoolHasNoProgram = nameof(PoolHasNoProgram);
    public const string StartTaskFailed = nameof(StartTaskFailed);
    public const string TaskFailed = nameof(TaskFailed);
    public const string TaskIdTaken = nameof(TaskIdTaken);
    public const string TaskNotAdded = nameof(TaskNotAdded);
    public const string TaskNotFound = nameof(TaskNotFound);
    public const string WaitTimedOut = nameof(WaitTimedOut);
    public const string BatchRequestFailed = nameof(BatchRequestFailed);

    // The tutorial
    public const string NoSampleTexts = nameof(NoSampleTexts);
    public const string OutputBlobExists = nameof(OutputBlobExists);
    public const string TutorialStopped = nameof(TutorialStopped);

    /// <summary>The id of a Batch service failure: ours for the conditions above, else "Batch" + the service's code.</summary>
    public static string FromBatchService(int status, string? code) => (status, code) switch
    {
        (404, "PoolNotFound") => PoolNotFound,
        (404, "JobNotFound") => JobNotFound,
        (404, "TaskNotFound") => TaskNotFound,
        (401, _) or (403, "AuthenticationFailed") => BatchAuthenticationFailed,
        (_, null) => BatchRequestFailed,
        _ => BatchServicePrefix + code,
    };

    /// <summary>The id of a storage failure: ours for the conditions above, else "Storage" + the service's code.</summary>
    public static string FromStorageService(int status, string? code) => (status, code) switch
    {
        (404, "ContainerNotFound") => ContainerNotFound,
        (401, _) or (403, "AuthenticationFailed" or "AuthorizationFailure" or "InvalidAuthenticationInfo") => StorageAuthenticationFailed,
        (_, null) => StorageRequestFailed,
        _ => StorageServicePrefix + code,
    };

    /// <summary>The prefix of the ids of other Batch service errors (Batch + the service's error code).</summary>
    public static readonly string BatchServicePrefix = "Batch";

    /// <summary>The prefix of the ids of other storage errors (Storage + the x-ms-error-code).</summary>
    public static readonly string StorageServicePrefix = "Storage";

    /// <summary>Every id above, for the tests that check README and the source against this list.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(BwErrorIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .OrderBy(id => id, StringComparer.Ordinal)
        .ToList();
}
