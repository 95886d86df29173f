namespace BatchWords;

/// <summary>Whether New-BwContainer created the container or found it already there.</summary>
public enum ContainerStatus
{
    Created,
    Existing,
}

/// <summary>A blob container, as New-BwContainer reports it.</summary>
public sealed class BwContainer
{
    public BwContainer(string name, ContainerStatus status, Uri uri)
    {
        Name = name;
        Status = status;
        Uri = uri;
    }

    /// <summary>The container name; binds by property name to -Container of Publish-BwInput and Receive-BwOutput.</summary>
    public string Name { get; }

    /// <summary>Alias of <see cref="Name"/>, so a BwContainer piped to a cmdlet binds its -Container parameter.</summary>
    public string Container => Name;

    public ContainerStatus Status { get; }

    /// <summary>The container URL, without any SAS.</summary>
    public Uri Uri { get; }

    public override string ToString() => Name;
}
