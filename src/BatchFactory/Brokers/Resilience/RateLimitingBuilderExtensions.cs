using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>Adds <see cref="RateLimitingChatClient"/> and <see cref="RateLimitingEmbeddingGenerator"/> to a builder's stack.</summary>
public static class RateLimitingBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="RateLimitingChatClient"/> at this point of the stack: what was added before wraps it, what is
    /// added after sits between it and the provider. Each <see cref="ChatClientBuilder.Build"/> makes new limiters.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The limits; checked now.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ChatClientBuilder UseRateLimiting(this ChatClientBuilder builder, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder.Use(inner => new RateLimitingChatClient(inner, options));
    }

    /// <summary>
    /// Adds a <see cref="RateLimitingEmbeddingGenerator"/> at this point of the stack: what was added before wraps it,
    /// what is added after sits between it and the provider. Each build makes new limiters.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The limits; checked now.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseRateLimiting(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder.Use(inner => new RateLimitingEmbeddingGenerator(inner, options));
    }
}
