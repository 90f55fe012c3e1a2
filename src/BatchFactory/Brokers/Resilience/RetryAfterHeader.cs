using System.ClientModel;
using System.Globalization;

namespace BatchFactory.Brokers.Resilience;

/// <summary>Reads how long a failed response asks the client to wait: <c>retry-after-ms</c>, else <c>Retry-After</c>.</summary>
internal static class RetryAfterHeader
{
    /// <summary>
    /// The wait <paramref name="exception"/>'s response asks for, or <see langword="null"/> when it has no response or no
    /// readable header. An HTTP date in the past means no wait.
    /// </summary>
    public static TimeSpan? Read(Exception exception, DateTimeOffset now)
    {
        if (exception is HttpStatusFailure { RetryAfter: { } asked })
        {
            return asked;
        }

        if (exception is not ClientResultException failed || failed.GetRawResponse()?.Headers is not { } headers)
        {
            return null;
        }

        if (headers.TryGetValue("retry-after-ms", out var milliseconds) && ParseMilliseconds(milliseconds) is { } ms)
        {
            return ms;
        }

        return headers.TryGetValue("Retry-After", out var value) ? Parse(value, now) : null;
    }

    /// <summary>A <c>Retry-After</c> value: seconds (a whole or decimal number) or an HTTP date.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds <= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>A <c>retry-after-ms</c> value: milliseconds, a whole or decimal number.</summary>
    public static TimeSpan? ParseMilliseconds(string? value) =>
        double.TryParse(value?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms)
        && ms <= TimeSpan.MaxValue.TotalMilliseconds / 2
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}
