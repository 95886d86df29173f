namespace BatchWords;

/// <summary>Where a context's accounts live.</summary>
public enum BwBackend
{
    /// <summary>On this machine: Azurite and the BatchWords Batch emulator, started on demand.</summary>
    Local,
    /// <summary>Real Azure Storage (and Batch) accounts.</summary>
    Azure,
}

/// <summary>How requests to the storage account are authorized.</summary>
public enum StorageAuthentication
{
    SharedKey,
    SasToken,
    ConnectionString,
    EntraId,
}

/// <summary>How requests to the Batch account are authorized (None: no Batch account in this context).</summary>
public enum BatchAuthentication
{
    None,
    SharedKey,
    EntraId,
}
