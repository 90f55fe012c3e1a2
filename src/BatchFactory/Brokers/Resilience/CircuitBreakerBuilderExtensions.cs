using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>Adds <see cref="CircuitBreakingChatClient"/> and <see cref="CircuitBreakingEmbeddingGenerator"/> to a builder's stack.</summary>
public static class CircuitBreakerBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="CircuitBreakingChatClient"/> at this point of the stack: what was added before wraps it, what is
    /// added after (retries, rate limits) sits between it and the provider. Each <see cref="ChatClientBuilder.Build"/>
    /// makes a new breaker.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="model">What the breaker guards, named in its exception, e.g. <c>gpt-4o-mini@openai</c>.</param>
    /// <param name="options">When to open; checked now. Default: a new <see cref="CircuitBreakerOptions"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ChatClientBuilder UseCircuitBreaker(this ChatClientBuilder builder, string model, CircuitBreakerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        options ??= new CircuitBreakerOptions();
        options.Validate();
        return builder.Use(inner => new CircuitBreakingChatClient(inner, model, options));
    }

    /// <summary>
    /// Adds a <see cref="CircuitBreakingEmbeddingGenerator"/> at this point of the stack: what was added before wraps it,
    /// what is added after (retries, rate limits) sits between it and the provider. Each build makes a new breaker.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="model">What the breaker guards, named in its exception, e.g. <c>text-embedding-3-small@openai</c>.</param>
    /// <param name="options">When to open; checked now. Default: a new <see cref="CircuitBreakerOptions"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseCircuitBreaker(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        string model,
        CircuitBreakerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        options ??= new CircuitBreakerOptions();
        options.Validate();
        return builder.Use(inner => new CircuitBreakingEmbeddingGenerator(inner, model, options));
    }

    /// <summary>Adds a chat decorator over <paramref name="breaker"/>, shared with the model's other clients (a run's).</summary>
    internal static ChatClientBuilder UseCircuitBreaker(this ChatClientBuilder builder, CircuitBreaker breaker) =>
        builder.Use(inner => new CircuitBreakingChatClient(inner, breaker, ownsBreaker: false));

    /// <summary>Adds an embedding decorator over <paramref name="breaker"/>, shared with the model's other clients (a run's).</summary>
    internal static EmbeddingGeneratorBuilder<string, Embedding<float>> UseCircuitBreaker(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        CircuitBreaker breaker) =>
        builder.Use(inner => new CircuitBreakingEmbeddingGenerator(inner, breaker, ownsBreaker: false));
}
