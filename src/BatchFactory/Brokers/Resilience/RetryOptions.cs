namespace BatchFactory;

/// <summary>
/// How <see cref="RetryingChatClient"/> and <see cref="RetryingEmbeddingGenerator"/> retry transient failures: HTTP 408,
/// 429, 500, 502, 503 and 504, timeouts and connection errors. Checked when the decorator is made.
/// </summary>
/// <remarks>
/// <para>
/// The wait before retry <c>n</c> (1, 2, …) is <see cref="BaseDelay"/> × 2^(n−1), capped at <see cref="MaxDelay"/>, with
/// jitter when <see cref="UseJitter"/> is on. When the failed response says how long to wait (<c>retry-after-ms</c>, else
/// <c>Retry-After</c> in seconds or as an HTTP date), the wait is that long, or the backoff without jitter if that is
/// longer, even beyond <see cref="MaxDelay"/>; a wait longer than <see cref="MaxRetryAfter"/> is not waited for: the call
/// fails at once with the provider's error. A server's wait gets no jitter: calls told to come back at the same moment
/// are spread out by the rate limiter they pass again (see <see cref="ResilienceBuilderExtensions"/>).
/// </para>
/// <para>
/// Never retried: the caller's own cancellation, and every other failure, such as HTTP 400, 401, 403 and 404 or a 429
/// that says the account's quota is used up (<c>insufficient_quota</c>); those fail at once. When every retry has failed
/// too, the last failure surfaces unchanged.
/// </para>
/// <para>
/// Turn the provider SDK's own retries off (the OpenAI SDK: <c>RetryPolicy = new ClientRetryPolicy(0)</c>, as the
/// built-in providers do), or each of these attempts would itself be retried up to the SDK's limit.
/// </para>
/// </remarks>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retrying off. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The wait before the first retry, before jitter; doubles for each later retry. Default 1 second.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait the backoff computes (a server's <c>Retry-After</c> may ask for more). Default 60 seconds.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether waits are spread randomly around the exponential backoff, so that calls failing together do not all
    /// retry together. Default <see langword="true"/>.
    /// </summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits for; a failure asking for longer is not retried. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long one attempt may take before it is abandoned and, like any timeout, retried; <see langword="null"/> for no
    /// limit of ours (the provider SDK's own network timeout still applies). Default <see langword="null"/>.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; init; }

    /// <summary>The clock waits run on. Default <see cref="TimeProvider.System"/>; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Called before each wait for a retry, with the attempt, the wait and the reason, for logs and run events. Default
    /// none. Keep it quick; an exception it throws fails the call.
    /// </summary>
    public Action<RetryEvent>? OnRetry { get; init; }

    /// <summary>Test hook: the source of jitter, numbers in [0, 1). Default Polly's.</summary>
    internal Func<double>? Randomizer { get; init; }

    /// <summary>A copy of these options whose <see cref="OnRetry"/> also calls <paramref name="also"/>, after the user's.</summary>
    internal RetryOptions AlsoOnRetry(Action<RetryEvent> also)
    {
        var mine = OnRetry;
        return new RetryOptions
        {
            MaxRetries = MaxRetries,
            BaseDelay = BaseDelay,
            MaxDelay = MaxDelay,
            UseJitter = UseJitter,
            MaxRetryAfter = MaxRetryAfter,
            AttemptTimeout = AttemptTimeout,
            TimeProvider = TimeProvider,
            Randomizer = Randomizer,
            OnRetry = mine is null ? also : e =>
            {
                mine(e);
                also(e);
            },
        };
    }

    /// <summary>Throws if an option is out of range.</summary>
    internal void Validate()
    {
        if (MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be 0 (no retries) or more.");
        }

        if (BaseDelay <= TimeSpan.Zero || BaseDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "BaseDelay must be more than zero and at most one day.");
        }

        if (MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "MaxDelay must be at least BaseDelay and at most one day.");
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAfter), MaxRetryAfter, "MaxRetryAfter must be zero or more and at most one day.");
        }

        if (AttemptTimeout is { } timeout && (timeout < TimeSpan.FromMilliseconds(10) || timeout > TimeSpan.FromDays(1)))
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "AttemptTimeout must be at least 10 ms and at most one day, or null for no limit.");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider), "TimeProvider must be set (TimeProvider.System for the real clock).");
        }
    }
}
