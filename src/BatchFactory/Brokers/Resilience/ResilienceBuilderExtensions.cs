using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>Adds BatchFactory's retries and rate limits to a builder's stack, in the order they work together.</summary>
/// <remarks>
/// <para>The stack, outermost first: <see cref="RetryingChatClient"/> → <see cref="RateLimitingChatClient"/> → the provider.</para>
/// <para>
/// Retries go outside the rate limiter because every attempt is a request the provider counts: each retry queues for
/// the limits again (its request and its tokens) instead of slipping past them, which is what a 429 asks for. A retry
/// first waits its backoff or <c>Retry-After</c> outside the limiter, so a refused call neither burns through its retries
/// at once nor holds a concurrency slot other calls could use while it waits; the time it then queues at the limiter is
/// not counted as a retry. With the limiter outside, one permit would cover all attempts (the limits would be exceeded)
/// and a slot would sit idle through every backoff.
/// </para>
/// <para>Anything added before this call (a cache, logging) wraps both; anything added after sits next to the provider.</para>
/// </remarks>
public static class ResilienceBuilderExtensions
{
    /// <summary>Adds retries and, inside them, rate limits: <see cref="RetryingChatClient"/> → <see cref="RateLimitingChatClient"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rateLimits">The limits; checked now. Default: a new <see cref="RateLimitOptions"/> (16 calls in flight, no per-minute limits).</param>
    /// <param name="retries">How to retry; checked now. Default: a new <see cref="RetryOptions"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ChatClientBuilder UseBatchFactoryResilience(this ChatClientBuilder builder, RateLimitOptions? rateLimits = null, RetryOptions? retries = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseRetries(retries).UseRateLimiting(rateLimits ?? new RateLimitOptions());
    }

    /// <summary>
    /// Adds retries and, inside them, rate limits: <see cref="RetryingEmbeddingGenerator"/> →
    /// <see cref="RateLimitingEmbeddingGenerator"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rateLimits">The limits; checked now. Default: a new <see cref="RateLimitOptions"/> (16 calls in flight, no per-minute limits).</param>
    /// <param name="retries">How to retry; checked now. Default: a new <see cref="RetryOptions"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseBatchFactoryResilience(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        RateLimitOptions? rateLimits = null,
        RetryOptions? retries = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseRetries(retries).UseRateLimiting(rateLimits ?? new RateLimitOptions());
    }
}
