using BatchWords.Emulator;

// dotnet BatchWords.Emulator.dll --account <name> --data <directory> [--port <n>] [--transient-state-ms <n>]
// The key comes in BATCHWORDS_EMULATOR_KEY (never on the command line); BATCHWORDS_EMULATOR_TOKEN optionally
// allows one static bearer token; BATCHWORDS_EMULATOR_FAULTS turns on the test-only fault mode (Faults/FaultSettings).
// Bad arguments, key or fault settings: one line on stderr, exit code 2.
const string Usage = "usage: BatchWords.Emulator --account <name> --data <directory> [--port <n>] [--transient-state-ms <n>] (key in BATCHWORDS_EMULATOR_KEY)";

string? account = null, data = null;
var port = 0;
// BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS sets the default (tests set it through the local stack); the flag wins.
var transientStateStay = EmulatorOptions.DefaultTransientStateStay;
if (Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS") is { Length: > 0 } stayText)
{
    if (!int.TryParse(stayText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var envStayMs))
        return Fail("BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS needs a number of milliseconds (0 or more).");
    transientStateStay = TimeSpan.FromMilliseconds(envStayMs);
}
for (var i = 0; i < args.Length; i++)
{
    string? Value() => i + 1 < args.Length ? args[++i] : null;
    switch (args[i])
    {
        case "--account": account = Value(); break;
        case "--data": data = Value(); break;
        case "--port":
            if (!int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port))
                return Fail("--port needs a number from 0 to 65535.");
            break;
        case "--transient-state-ms":
            if (!int.TryParse(Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var stayMs))
                return Fail("--transient-state-ms needs a number of milliseconds (0 or more).");
            transientStateStay = TimeSpan.FromMilliseconds(stayMs);
            break;
        default: return Fail($"unknown argument '{args[i]}'. {Usage}");
    }
}
if (account is null || data is null) return Fail($"--account and --data are required. {Usage}");
var key = Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR_KEY");
if (string.IsNullOrEmpty(key)) return Fail("BATCHWORDS_EMULATOR_KEY is not set: it must hold the account key (base64, 32 bytes or more).");

// The local Entra ID stack: bearer only (BATCHWORDS_EMULATOR_AUTHENTICATION=EntraId), and its Azurite's certificate trusted.
var authentication = Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR_AUTHENTICATION");
if (authentication is { Length: > 0 } && authentication != "EntraId") return Fail($"BATCHWORDS_EMULATOR_AUTHENTICATION must be 'EntraId' or unset, not '{authentication}'.");
(Uri Endpoint, string Thumbprint)? trustedEndpoint;
try { trustedEndpoint = BatchWords.Emulator.Runtime.TrustedLoopbackCertificate.Parse(Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR_TRUSTED_ENDPOINT")); }
catch (ArgumentException e) { return Fail(e.Message); }

BatchWords.Emulator.Faults.FaultSettings? faults;
try { faults = BatchWords.Emulator.Faults.FaultSettings.Parse(Environment.GetEnvironmentVariable(BatchWords.Emulator.Faults.FaultSettings.Variable)); }
catch (ArgumentException e) { return Fail(e.Message); }
// BATCHWORDS_EMULATOR_PREEMPTION (test-only random Spot preemption) is read by the runtime; a bad value stops here.
try { BatchWords.Emulator.Preemption.PreemptionSettings.Parse(Environment.GetEnvironmentVariable(BatchWords.Emulator.Preemption.PreemptionSettings.Variable)); }
catch (ArgumentException e) { return Fail(e.Message); }

var options = new EmulatorOptions
{
    AccountName = account,
    AccountKey = key,
    DataDirectory = data,
    Port = port,
    TransientStateStay = transientStateStay,
    BearerToken = Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR_TOKEN") is { Length: > 0 } token ? token : null,
    EntraIdOnly = authentication == "EntraId",
    TrustedEndpoint = trustedEndpoint,
    HandleTerminationSignals = true,
    Faults = faults,
};
try { options.Validate(); }
catch (ArgumentException e) { return Fail(e.Message); }

EmulatorHandle emulator;
try { emulator = await EmulatorHost.StartAsync(options); }
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"BatchWords emulator: could not start: {e.Message}");
    return 1;
}
Console.Out.WriteLine($"BatchWords emulator listening on {emulator.BaseUri.ToString().TrimEnd('/')}");
Console.Out.Flush();
await emulator.WaitForShutdownAsync();
await emulator.DisposeAsync();
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine("BatchWords emulator: " + message);
    return 2;
}
