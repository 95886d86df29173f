using BatchWords.Emulator.Faults;
using Xunit;

namespace BatchWords.Emulator.Tests.Faults;

/// <summary>BATCHWORDS_EMULATOR_FAULTS: what it accepts, and a clear refusal naming the bad part otherwise.</summary>
public sealed class FaultSettingsTests
{
    [Fact]
    public void Every_key_is_read()
    {
        var settings = FaultSettings.Parse("rate=0.2; statuses=429,503 ;retryAfter=3;drop=0.05;dropAfter=0.1;seed=7")!;
        Assert.Equal(0.2, settings.Rate);
        Assert.Equal(new[] { 429, 503 }, settings.Statuses);
        Assert.Equal(3, settings.RetryAfterSeconds);
        Assert.Equal(0.05, settings.Drop);
        Assert.Equal(0.1, settings.DropAfter);
        Assert.Equal(7, settings.Seed);
        Assert.True(settings.IsActive);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Nothing_set_means_no_fault_mode(string? text) => Assert.Null(FaultSettings.Parse(text));

    [Theory]
    [InlineData("rate=2", "'rate=2'")]
    [InlineData("rate=abc", "'rate=abc'")]
    [InlineData("statuses=404", "'statuses=404'")]
    [InlineData("often=1", "'often=1'")]
    [InlineData("rate", "'rate'")]
    [InlineData("rate=0.6;drop=0.6", "more than 1")]
    public void A_bad_setting_is_refused_naming_it(string text, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => FaultSettings.Parse(text));
        Assert.Contains(named, error.Message);
        Assert.Contains(FaultSettings.Variable, error.Message);
    }
}
