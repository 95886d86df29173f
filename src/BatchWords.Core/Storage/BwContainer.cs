namespace BatchWords;

/// <summary>What a cmdlet did with a container: New-BwContainer created it or found it; Remove-BwContainer -PassThru removed it.</summary>
public enum ContainerStatus
{
    Created,
    Existing,
    Removed,
}

/// <summary>A blob container, as New-BwContainer reports it.</summary>
public sealed class BwContainer : BwResource
{
    /// <param name="context">The accounts the container lives in, carried to the next cmdlet of a pipeline.</param>
    public BwContainer(string name, ContainerStatus status, Uri uri, BwContext? context = null)
    {
        Name = name;
        StatusKind = status;
        Uri = uri;
        Context = context;
    }

    /// <summary>The container name; binds by property name to -Container of Publish-BwInput and Receive-BwOutput.</summary>
    public string Name { get; }

    /// <summary>Alias of <see cref="Name"/>, so a BwContainer piped to a cmdlet binds its -Container parameter.</summary>
    public string Container => Name;

    /// <summary>Created, Existing or Removed: a <see cref="ContainerStatus"/> name, as a string so ConvertTo-Json writes the name, not a number.</summary>
    public string Status => StatusKind.ToString();

    internal ContainerStatus StatusKind { get; }

    /// <summary>The container URL, without any SAS.</summary>
    public Uri Uri { get; }

    public override string ToString() => Name;
}
