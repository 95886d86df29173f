using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Turns Core's <see cref="TransferProgress"/> events into one progress bar over files and bytes. Each call
/// returns a NEW record: the engine keeps the records it is given (the Progress stream of a hosted pipeline,
/// a job's Progress collection), so a record must not change after WriteProgress.
/// </summary>
internal sealed class TransferProgressWriter
{
    private readonly int _activityId;
    private readonly string _activity;
    private ProgressRecord? _last;

    public TransferProgressWriter(int activityId, string activity)
    {
        _activityId = activityId;
        _activity = activity;
    }

    public ProgressRecord Update(TransferProgress progress) => _last = new ProgressRecord(_activityId, _activity,
        $"{progress.FilesDone} of {progress.FilesTotal} files, {Size(progress.BytesDone)} of {Size(progress.BytesTotal)}")
    {
        CurrentOperation = progress.CurrentItem,
        PercentComplete = progress.PercentComplete,
        RecordType = ProgressRecordType.Processing,
    };

    public ProgressRecord Complete() => new(_activityId, _activity, _last?.StatusDescription ?? "Done")
    {
        CurrentOperation = _last?.CurrentOperation,
        PercentComplete = 100,
        RecordType = ProgressRecordType.Completed,
    };

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };
}
