namespace BatchFactory;

/// <summary>A retry about to happen, as told to <see cref="RetryOptions.OnRetry"/>.</summary>
public sealed class RetryEvent
{
    /// <summary>Which retry this is: 1 for the first retry (the second attempt), up to <see cref="RetryOptions.MaxRetries"/>.</summary>
    public required int Attempt { get; init; }

    /// <summary>How long the client waits before the retry.</summary>
    public required TimeSpan Delay { get; init; }

    /// <summary>Why the failure is retried, for people: <c>HTTP 429</c>, <c>timeout</c>, <c>connection error</c>…</summary>
    public required string Reason { get; init; }

    /// <summary>The HTTP status of the failed attempt, when there was a response.</summary>
    public int? StatusCode { get; init; }

    /// <summary>How long the failed response asked the client to wait (<c>Retry-After</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The failure being retried.</summary>
    public required Exception Exception { get; init; }
}
