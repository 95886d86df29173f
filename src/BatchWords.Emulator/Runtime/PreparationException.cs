using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.Runtime;

/// <summary>A task could not be started (a resource file, the command line): it completes as failed, without retry.</summary>
public sealed class PreparationException : Exception
{
    public PreparationException(string category, string code, string message, params (string Name, string Value)[] details)
        : base(message)
    {
        Failure = FailureInfos.Create(category, code, message, details);
    }

    public FailureInfo Failure { get; }
}
