using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace BatchWords.PowerShell;

/// <summary>
/// Tab completion of container names from the connected account. Never starts local services and gives
/// up after two seconds: completion must not hang the prompt.
/// </summary>
public sealed class ContainerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var context = (fakeBoundParameters["Context"] is { } bound ? (bound as PSObject)?.BaseObject ?? bound : null) as BwContext
            ?? SessionContext.Current;
        if (context is null) return Array.Empty<CompletionResult>();
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var names = Task.Run(async () =>
            {
                var found = new List<string>();
                await foreach (var name in new BwStorageClient(context).GetContainerNamesAsync(prefix, timeout.Token).ConfigureAwait(false))
                    found.Add(name);
                return found;
            }, timeout.Token).GetAwaiter().GetResult();
            return names.Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n)).ToList();
        }
        catch (Exception e) when (e is BwException or OperationCanceledException) { return Array.Empty<CompletionResult>(); }
    }
}
