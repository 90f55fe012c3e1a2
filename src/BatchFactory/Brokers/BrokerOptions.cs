namespace BatchFactory;

/// <summary>
/// How the run's calls to one model are paced, retried and stopped when the provider is unavailable. Set it for every model with <see cref="RunOptions.Broker"/>
/// and for particular models with <see cref="RunOptions.BrokerFor"/>.
/// </summary>
public sealed class BrokerOptions
{
    /// <summary>
    /// Requests and tokens per minute and the most calls in flight (shared by every op calling the model in the run).
    /// Default <see langword="null"/>: no per-minute limits, and calls in flight bounded only by each op's concurrency.
    /// </summary>
    public RateLimitOptions? RateLimit { get; init; }

    /// <summary>
    /// How failed calls are retried (429, 5xx, timeouts, dropped connections, honouring <c>Retry-After</c>). Default: a
    /// new <see cref="RetryOptions"/> (5 retries, exponential backoff from 1 s with jitter). <see langword="null"/>: no retries.
    /// </summary>
    public RetryOptions? Retry { get; init; } = new();

    /// <summary>
    /// When the run stops calling the model because its provider is unavailable, one breaker per model shared by every
    /// op, outside the retries: at once on HTTP 401, 403 or 404; after 20 connection errors, timeouts or 5xx in a row, or
    /// more than half of the last 100 calls once 20 have ended. The run then stops with a
    /// <see cref="ProviderUnavailableException"/>. Default: a new <see cref="CircuitBreakerOptions"/>.
    /// <see langword="null"/>: no breaker (every call is tried, and fails on its own).
    /// </summary>
    public CircuitBreakerOptions? CircuitBreaker { get; init; } = new();
}
