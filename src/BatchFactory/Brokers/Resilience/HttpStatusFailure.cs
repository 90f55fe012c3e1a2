using System.Net;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// A provider answered with an error status, as read by <see cref="HttpStatusHandler"/> before an SDK that hides the
/// response's headers could: the status, and the <c>retry-after</c> it asked for, for the retries and the breaker.
/// </summary>
internal sealed class HttpStatusFailure(HttpStatusCode status, TimeSpan? retryAfter, string message)
    : HttpRequestException(message, null, status)
{
    /// <summary>How long the provider asked to wait (<c>retry-after-ms</c> or <c>retry-after</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
