using System.Collections;

namespace BatchWords.PowerShell;

/// <summary>Tab completion of container names from the connected account, within <see cref="BoundedCompleter.Budget"/>.</summary>
public sealed class ContainerNameCompleter : BoundedCompleter
{
    protected override async Task<IReadOnlyList<string>> ListAsync(BwContext context, string prefix, IDictionary fakeBoundParameters, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        await foreach (var name in new BwStorageClient(context).GetContainerNamesAsync(prefix, cancellationToken).ConfigureAwait(false))
            found.Add(name);
        return found;
    }
}
