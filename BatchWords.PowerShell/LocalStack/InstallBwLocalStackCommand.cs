using System.Collections.Concurrent;
using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Installs what the Local backend needs besides the module itself: the pinned Azurite, with npm, under
/// BATCHWORDS_HOME (Core's LocalStackInstaller does the work). Changes nothing when that version is there.
/// Not a BwCmdlet: it works on this user's machine, not on an account context (so it has no -Context).
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "BwLocalStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
    HelpUri = ProjectLinks.Project + "#installing")]
[OutputType(typeof(LocalStackInstallResult))]
public sealed class InstallBwLocalStackCommand : BwCmdletBase
{
    // Nothing is installed when it fails: the error is the answer (NodeJsNotFound, LocalStackInstallFailed ...).
    protected override bool IsTerminating(BwException error) => true;

    protected override void EndProcessingCore()
    {
        var installer = new LocalStackInstaller(new LocalStackInstallOptions());
        var current = installer.Inspect();
        if (current.Status == nameof(LocalStackInstallStatus.AlreadyInstalled))
        {
            WriteVerbose($"Azurite {current.Version} is already installed in {current.InstallDirectory}: nothing to do.");
            WriteObject(current);
            return;
        }
        // Before asking: -WhatIf then also tells what is missing.
        var (node, npm) = installer.CheckPrerequisites();
        WriteVerbose($"Using {node} and {npm}.");
        var action = $"Install Azurite {installer.PinnedVersion} with npm ci" +
            (current.InstalledVersion is { } old ? $" (replacing {old})" : "");
        if (!ShouldProcess(installer.InstallDirectory, action))
        {
            WriteObject(current);
            return;
        }
        WriteObject(InstallWithProgress(installer));
    }

    /// <summary>Runs the install on a worker thread and writes its steps as progress from the pipeline thread.</summary>
    private LocalStackInstallResult InstallWithProgress(LocalStackInstaller installer)
    {
        var steps = new ConcurrentQueue<LocalStackInstallStep>();
        var install = installer.InstallAsync(new QueueProgress(steps), StopToken);
        var record = new ProgressRecord(1, $"Installing Azurite {installer.PinnedVersion} in {installer.InstallDirectory}", "Starting");
        try
        {
            while (!((IAsyncResult)install).AsyncWaitHandle.WaitOne(200))
                while (steps.TryDequeue(out var step))
                {
                    record.StatusDescription = step.Activity;
                    record.PercentComplete = step.PercentComplete;
                    WriteProgress(record);
                }
            // The install has ended: Run gives its result, throws its BwException, or stops the pipeline on Ctrl+C.
            return Run(_ => install);
        }
        finally
        {
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        }
    }

    /// <summary>Progress reported on any thread, queued for the pipeline thread (IProgress would post to no context here).</summary>
    private sealed class QueueProgress(ConcurrentQueue<LocalStackInstallStep> queue) : IProgress<LocalStackInstallStep>
    {
        public void Report(LocalStackInstallStep value) => queue.Enqueue(value);
    }
}
