using Azure;
using BatchWords.Batch;

namespace BatchWords.Core.Tests.Batch;

/// <summary>Builds clients pointed at a loopback base URI (as for the emulator) over a scripted transport.</summary>
internal static class TestBatchClients
{
    public const string Account = "myaccount";

    /// <summary>The 32 bytes "local-emulator-demo-key-32bytes!" in base64 (the §7.1 vector key).</summary>
    public const string Key = "bG9jYWwtZW11bGF0b3ItZGVtby1rZXktMzJieXRlcyE=";

    public static readonly Uri Endpoint = new("http://127.0.0.1:5123");

    /// <summary>A Local context whose Batch account is the one these clients sign for (its storage is never called).</summary>
    public static BwContext Context() => new(BwBackend.Local, "devstoreaccount1", new Uri("http://127.0.0.1:1/devstoreaccount1"),
        StorageCredential.SharedKey("devstoreaccount1", BatchWords.Core.Tests.Infrastructure.AzuriteFixture.WellKnownDevelopmentKey, StorageClientOptionsFactory.ForLocal()),
        Account, Endpoint, BatchCredential.SharedKey(Account, Key));

    public static BatchClient Create(ScriptedTransport transport, Action<BatchClientOptions>? configure = null)
    {
        var options = new BatchClientOptions { Transport = transport };
        // Keep retries fast; Retry-After from a response still wins when it is longer.
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxRetries = 3;
        configure?.Invoke(options);
        return new BatchClient(Endpoint, new AzureNamedKeyCredential(Account, Key), options);
    }
}
