using BatchFactory.Brokers.Resilience;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>Reading how long a failed response asks the client to wait.</summary>
public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("3", 3000)]
    [InlineData(" 20 ", 20000)]
    [InlineData("0", 0)]
    [InlineData("1.5", 1500)]
    [InlineData("Sun, 01 Jun 2025 12:00:42 GMT", 42000)]
    [InlineData("Sun, 01 Jun 2025 11:59:00 GMT", 0)]
    public void Parse_SecondsOrHttpDate_IsTheWait(string value, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RetryAfterHeader.Parse(value, s_now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-3")]
    public void Parse_NotAWait_IsNull(string? value)
    {
        Assert.Null(RetryAfterHeader.Parse(value, s_now));
    }

    [Theory]
    [InlineData("250", 250)]
    [InlineData("12.5", 12.5)]
    public void ParseMilliseconds_Number_IsTheWait(string value, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RetryAfterHeader.ParseMilliseconds(value));
    }

    [Fact]
    public void Read_BothHeaders_PrefersRetryAfterMs()
    {
        var error = ProviderErrors.Status(429, ("Retry-After", "2"), ("retry-after-ms", "700"));

        Assert.Equal(TimeSpan.FromMilliseconds(700), RetryAfterHeader.Read(error, s_now));
    }

    [Fact]
    public void Read_UnreadableRetryAfterMs_FallsBackToRetryAfter()
    {
        var error = ProviderErrors.Status(429, ("retry-after-ms", "x"), ("retry-after", "2"));

        Assert.Equal(TimeSpan.FromSeconds(2), RetryAfterHeader.Read(error, s_now));
    }

    [Fact]
    public void Read_NoHeaderOrNoResponse_IsNull()
    {
        Assert.Null(RetryAfterHeader.Read(ProviderErrors.Status(503), s_now));
        Assert.Null(RetryAfterHeader.Read(new HttpRequestException("refused"), s_now));
    }
}
