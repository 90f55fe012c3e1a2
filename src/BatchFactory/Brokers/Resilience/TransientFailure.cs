using System.ClientModel;

namespace BatchFactory.Brokers.Resilience;

/// <summary>Which failures are worth retrying, and why: a reason for people and the HTTP status if there was one.</summary>
internal readonly record struct TransientFailure(string Reason, int? StatusCode)
{
    /// <summary>
    /// Whether <paramref name="exception"/> is transient: HTTP 408, 429 (but not <c>insufficient_quota</c>), 500, 502,
    /// 503, 504, 529 (Anthropic's "overloaded"), a timeout, or a connection error; never a cancellation of <paramref name="callerToken"/>.
    /// </summary>
    public static bool TryClassify(Exception exception, CancellationToken callerToken, out TransientFailure failure)
    {
        failure = default;
        if (exception is OperationCanceledException && callerToken.IsCancellationRequested)
        {
            return false;
        }

        TransientFailure? found = exception switch
        {
            ClientResultException { Status: 0 } noResponse => noResponse.InnerException is { } inner && TryClassify(inner, callerToken, out var cause) ? cause : null,
            ClientResultException { Status: 429 } refused when refused.Message.Contains("insufficient_quota", StringComparison.Ordinal) => null,
            ClientResultException response => FromStatus(response.Status),
            HttpRequestException { StatusCode: { } status } => FromStatus((int)status),
            HttpRequestException => new("connection error", null),
            IOException => new("connection error", null),
            TimeoutException => new("timeout", null),
            OperationCanceledException => new("timeout", null),
            _ => null,
        };
        failure = found.GetValueOrDefault();
        return found is not null;
    }

    private static TransientFailure? FromStatus(int status) =>
        status is 408 or 429 or 500 or 502 or 503 or 504 or 529 ? new TransientFailure($"HTTP {status}", status) : null;
}
