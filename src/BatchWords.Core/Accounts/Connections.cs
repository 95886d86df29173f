namespace BatchWords;

// SKELETON: the storage/accounts helper replaces this file.
public sealed class LocalConnectOptions { }

public static class Connections
{
    public static BwContext ConnectLocal(LocalConnectOptions options, CancellationToken cancellationToken)
        => throw new NotImplementedException();
}
