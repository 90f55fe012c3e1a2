using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>Adds <see cref="RetryingChatClient"/> and <see cref="RetryingEmbeddingGenerator"/> to a builder's stack.</summary>
public static class RetryingBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="RetryingChatClient"/> at this point of the stack: what was added before wraps it, what is added
    /// after is what each attempt goes through.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">How to retry; checked now. Default: a new <see cref="RetryOptions"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static ChatClientBuilder UseRetries(this ChatClientBuilder builder, RetryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new RetryOptions();
        options.Validate();
        return builder.Use(inner => new RetryingChatClient(inner, options));
    }

    /// <summary>
    /// Adds a <see cref="RetryingEmbeddingGenerator"/> at this point of the stack: what was added before wraps it, what
    /// is added after is what each attempt goes through.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">How to retry; checked now. Default: a new <see cref="RetryOptions"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseRetries(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        RetryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new RetryOptions();
        options.Validate();
        return builder.Use(inner => new RetryingEmbeddingGenerator(inner, options));
    }
}
