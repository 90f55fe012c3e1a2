using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// An embedding generator that retries the next one's transient failures (HTTP 408, 429, 5xx, timeouts, connection
/// errors) with exponential backoff and jitter, honouring the provider's <c>Retry-After</c>, as a
/// <see cref="RetryOptions"/> says.
/// </summary>
/// <remarks>
/// Put it outside <see cref="RateLimitingEmbeddingGenerator"/> (as
/// <see cref="ResilienceBuilderExtensions.UseBatchFactoryResilience(EmbeddingGeneratorBuilder{string, Embedding{float}}, RateLimitOptions?, RetryOptions?)"/>
/// does), so that every attempt passes the rate limits again.
/// </remarks>
public sealed class RetryingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly RetryRunner _pipeline;

    /// <summary>Wraps <paramref name="innerGenerator"/> in retries as <paramref name="options"/> says.</summary>
    /// <param name="innerGenerator">The generator each attempt goes to.</param>
    /// <param name="options">How to retry; read once, here. Default: a new <see cref="RetryOptions"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RetryingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, RetryOptions? options = null)
        : base(innerGenerator)
    {
        _pipeline = RetryPipeline.Create(options ?? new RetryOptions());
    }

    /// <summary>Sends the call, retrying transient failures; the last failure surfaces when no retries are left.</summary>
    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _pipeline.ExecuteAsync(
            static (state, token) => new ValueTask<GeneratedEmbeddings<Embedding<float>>>(state.InnerGenerator.GenerateAsync(state.values, state.options, token)),
            (InnerGenerator, values, options),
            cancellationToken);
    }
}
