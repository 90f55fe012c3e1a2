using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// An embedding generator that stops calling a provider found unavailable, as a <see cref="CircuitBreakerOptions"/>
/// says: once an API key is refused, the model is said not to exist, or too many calls failed to reach the provider,
/// every call fails with a <see cref="ProviderUnavailableException"/> without being sent.
/// </summary>
/// <remarks>
/// Put it outside <see cref="RetryingEmbeddingGenerator"/>, so that it sees a call as failed only once its retries are
/// spent. The breaker belongs to this instance; when it opens, calls still waiting inside it are cancelled and fail
/// with the same exception.
/// </remarks>
public sealed class CircuitBreakingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly CircuitBreaker _breaker;
    private readonly bool _ownsBreaker;

    /// <summary>Wraps <paramref name="innerGenerator"/> in a breaker as <paramref name="options"/> says.</summary>
    /// <param name="innerGenerator">The generator calls go to while the breaker is closed.</param>
    /// <param name="model">What the breaker guards, named in its exception, e.g. <c>text-embedding-3-small@openai</c>.</param>
    /// <param name="options">When to open; read once, here. Default: a new <see cref="CircuitBreakerOptions"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CircuitBreakingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, string model, CircuitBreakerOptions? options = null)
        : this(innerGenerator, new CircuitBreaker(model, options ?? new CircuitBreakerOptions()), ownsBreaker: true)
    {
    }

    /// <summary>Wraps <paramref name="innerGenerator"/> in a breaker shared with other clients of the same model.</summary>
    internal CircuitBreakingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, CircuitBreaker breaker, bool ownsBreaker)
        : base(innerGenerator)
    {
        _breaker = breaker;
        _ownsBreaker = ownsBreaker;
    }

    /// <summary>Whether the breaker has opened (it never closes again).</summary>
    public bool IsOpen => _breaker.IsOpen;

    /// <summary>Sends the call unless the breaker is open, and records how it ended.</summary>
    /// <inheritdoc/>
    /// <exception cref="ProviderUnavailableException">The breaker is open, or this call's failure opened it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _breaker.ExecuteAsync(
            static (state, token) => state.InnerGenerator.GenerateAsync(state.values, state.options, token),
            (InnerGenerator, values, options),
            cancellationToken);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsBreaker)
        {
            _breaker.Dispose();
        }

        base.Dispose(disposing);
    }
}
