namespace BatchWords;

// SKELETON: the storage/accounts helper replaces this file with the real context.
public sealed class BwContext
{
    public BwBackend Backend { get; init; }
}

public enum BwBackend { Local, Azure }
