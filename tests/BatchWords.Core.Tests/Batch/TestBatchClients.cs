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

    /// <summary>
    /// A Local context whose Batch account is <see cref="Endpoint"/> (none without <paramref name="withBatch"/>) and
    /// whose storage account is devstoreaccount1 at http://127.0.0.1:1 (a port nothing answers on).
    /// </summary>
    public static BwContext Context(bool withBatch = true) => new(BwBackend.Local, "devstoreaccount1", new Uri("http://127.0.0.1:1/devstoreaccount1"),
        StorageCredential.SharedKey("devstoreaccount1", Infrastructure.AzuriteFixture.WellKnownDevelopmentKey, StorageClientOptionsFactory.ForLocal()),
        withBatch ? Account : null, withBatch ? Endpoint : null, withBatch ? BatchCredential.SharedKey(Account, Key) : null);

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
