using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace BatchWords.PowerShell;

/// <summary>
/// Base of the completers that ask the connected account (container names, pool, job and task ids). Tab must
/// never hang the prompt nor print an error: no context connected means no suggestions (completion never
/// starts the local services), the answer has <see cref="Budget"/> to arrive, and any failure (offline,
/// unreachable endpoint, expired credential) is no suggestions.
/// </summary>
public abstract class BoundedCompleter : IArgumentCompleter
{
    /// <summary>How long Tab may wait for the service.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var context = Bound(fakeBoundParameters, "Context") as BwContext ?? SessionContext.Current;
        if (context is null) return Array.Empty<CompletionResult>();
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        try
        {
            using var timeout = new CancellationTokenSource(Budget);
            var listing = Task.Run(() => ListAsync(context, prefix, fakeBoundParameters, timeout.Token), timeout.Token);
            // The token bounds the requests; the wait bounds the prompt even if a credential ignores the token.
            if (!listing.Wait(Budget + TimeSpan.FromMilliseconds(500))) return Array.Empty<CompletionResult>();
            return listing.Result.Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n)).ToList();
        }
        // Whatever went wrong, Tab shows nothing rather than an error in the middle of the command line.
        catch (Exception) { return Array.Empty<CompletionResult>(); }
    }

    /// <summary>The names or ids starting with <paramref name="prefix"/>.</summary>
    protected abstract Task<IReadOnlyList<string>> ListAsync(BwContext context, string prefix, IDictionary fakeBoundParameters, CancellationToken cancellationToken);

    /// <summary>A parameter already typed on the command line (the object behind a PSObject), or null.</summary>
    protected static object? Bound(IDictionary fakeBoundParameters, string name)
        => fakeBoundParameters[name] is { } bound ? (bound as PSObject)?.BaseObject ?? bound : null;
}
