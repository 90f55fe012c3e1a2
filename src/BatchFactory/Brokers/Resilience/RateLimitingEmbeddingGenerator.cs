using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// An embedding generator that lets calls through to the next one only within the limits of a
/// <see cref="RateLimitOptions"/>: calls in flight, requests per minute and tokens per minute. Each
/// <see cref="GenerateAsync"/> call is one request, whatever the number of inputs.
/// </summary>
/// <remarks>
/// Tokens are estimated as the inputs' characters / 4 (or the caller's <see cref="RateLimitOptions.ExpectedTokensKey"/>)
/// and settled to <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/>. The limiters belong to this instance; put it
/// inside <see cref="RetryingEmbeddingGenerator"/> so that every attempt passes the limits again. Disposing it disposes the
/// inner generator, and calls still waiting fail with <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed class RateLimitingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly RateLimitGate _gate;

    /// <summary>Wraps <paramref name="innerGenerator"/> in the limits of <paramref name="options"/>.</summary>
    /// <param name="innerGenerator">The generator calls go to when their turn comes.</param>
    /// <param name="options">The limits; read once, here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RateLimitingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, RateLimitOptions options)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        _gate = new RateLimitGate(options);
    }

    internal RateLimitGate Gate => _gate;

    /// <summary>Waits for the call's turn, sends it, and settles its tokens to the result's usage.</summary>
    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentException"><see cref="RateLimitOptions.ExpectedTokensKey"/> holds something other than a whole number.</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var expected = _gate.LimitsTokens ? TokenEstimate.ForEmbeddings(values, options) : 0;
        using var pass = await _gate.EnterAsync(expected, cancellationToken).ConfigureAwait(false);
        var embeddings = await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        pass.Settle(embeddings.Usage);
        return embeddings;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
