using BatchWords.Emulator;

// dotnet BatchWords.Emulator.dll --account <name> --data <directory> [--port <n>]
// The key comes in BATCHWORDS_EMULATOR_KEY (never on the command line); BATCHWORDS_EMULATOR_TOKEN optionally
// allows one static bearer token; BATCHWORDS_EMULATOR_FAULTS turns on the test-only fault mode (Faults/FaultSettings).
// Bad arguments, key or fault settings: one line on stderr, exit code 2.
const string Usage = "usage: BatchWords.Emulator --account <name> --data <directory> [--port <n>] (key in BATCHWORDS_EMULATOR_KEY)";

string? account = null, data = null;
var port = 0;
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
        default: return Fail($"unknown argument '{args[i]}'. {Usage}");
    }
}
if (account is null || data is null) return Fail($"--account and --data are required. {Usage}");
var key = Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR_KEY");
if (string.IsNullOrEmpty(key)) return Fail("BATCHWORDS_EMULATOR_KEY is not set: it must hold the account key (base64, 32 bytes or more).");

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
    BearerToken = Environment.GetEnvironmentVariable("BATCHWORDS_EMULATOR_TOKEN") is { Length: > 0 } token ? token : null,
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
