using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>Turns Core's <see cref="TransferProgress"/> events into one progress bar over files and bytes.</summary>
internal sealed class TransferProgressWriter
{
    private readonly ProgressRecord _record;

    public TransferProgressWriter(int activityId, string activity) => _record = new ProgressRecord(activityId, activity, "Starting");

    public ProgressRecord Update(TransferProgress progress)
    {
        _record.StatusDescription = $"{progress.FilesDone} of {progress.FilesTotal} files, {Size(progress.BytesDone)} of {Size(progress.BytesTotal)}";
        _record.CurrentOperation = progress.CurrentItem;
        _record.PercentComplete = progress.PercentComplete;
        _record.RecordType = ProgressRecordType.Processing;
        return _record;
    }

    public ProgressRecord Complete()
    {
        _record.RecordType = ProgressRecordType.Completed;
        _record.PercentComplete = 100;
        return _record;
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };
}
