using System.Collections.Concurrent;
using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// A run's clients, one per model, made on first use from its providers and shared by every op, each wrapped in the
/// model's circuit breaker, retries and rate limits (<see cref="BrokerSetup.For"/>) with the library's own
/// <c>UseCircuitBreaker</c>, <c>UseRetries</c> and <c>UseRateLimiting</c> decorators, so limits hold across ops and one
/// breaker per model (shared by its chat and embedding clients) sees every call of the run. A local provider
/// (<see cref="IModelProvider.IsLocal"/>) is called directly: it has nothing to pace or retry. Disposing disposes every
/// client made.
/// </summary>
/// <param name="setup">The providers and limits.</param>
/// <param name="onRetry">Told of every retry, when not <see langword="null"/>.</param>
/// <param name="redact">Removes API keys from the provider errors a breaker quotes.</param>
internal sealed class ModelClients(BrokerSetup setup, Action<RetryEvent>? onRetry, Func<string, string>? redact = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<CircuitBreaker>> _breakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _chat = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IEmbeddingGenerator<string, Embedding<float>>>> _embedding = new(StringComparer.Ordinal);

    public IChatClient Chat(ModelSpec model) =>
        _chat.TryGetValue(model.ToString(), out var client) ? client.Value : NewChat(model);

    public IEmbeddingGenerator<string, Embedding<float>> Embedding(ModelSpec model) =>
        _embedding.TryGetValue(model.ToString(), out var generator) ? generator.Value : NewEmbedding(model);

    // Apart from the lookups above, so that a call of a model whose client exists allocates no closure.
    private IChatClient NewChat(ModelSpec model) =>
        _chat.GetOrAdd(model.ToString(), _ => new Lazy<IChatClient>(() => Paced(
            model,
            provider => provider.CreateChatClient(model.Model),
            client => new ChatClientBuilder(client),
            (builder, breaker) => builder.UseCircuitBreaker(breaker),
            (builder, retries) => builder.UseRetries(retries),
            (builder, limits) => builder.UseRateLimiting(limits),
            builder => builder.Build()))).Value;

    private IEmbeddingGenerator<string, Embedding<float>> NewEmbedding(ModelSpec model) =>
        _embedding.GetOrAdd(model.ToString(), _ => new Lazy<IEmbeddingGenerator<string, Embedding<float>>>(() => Paced(
            model,
            provider => provider.CreateEmbeddingGenerator(model.Model),
            generator => new EmbeddingGeneratorBuilder<string, Embedding<float>>(generator),
            (builder, breaker) => builder.UseCircuitBreaker(breaker),
            (builder, retries) => builder.UseRetries(retries),
            (builder, limits) => builder.UseRateLimiting(limits),
            builder => builder.Build()))).Value;

    /// <summary>Whether <paramref name="model"/>'s circuit breaker has opened in this run.</summary>
    public bool IsOpen(ModelSpec model) =>
        _breakers.TryGetValue(model.ToString(), out var breaker) && breaker.IsValueCreated && breaker.Value.IsOpen;

    /// <summary>Whether <paramref name="model"/>'s provider is local (its calls cost nothing).</summary>
    public bool IsLocal(ModelSpec model) => setup.Models.Resolve(model).IsLocal;

    public void Dispose()
    {
        foreach (var client in _chat.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        foreach (var generator in _embedding.Values.Where(g => g.IsValueCreated))
        {
            generator.Value.Dispose();
        }

        foreach (var breaker in _breakers.Values.Where(b => b.IsValueCreated))
        {
            breaker.Value.Dispose();
        }
    }

    // The model's client, stacked with its breaker, its retries and then its limits (the first Use* is the outermost:
    // the breaker sees a call only once its retries are spent; retries outside the rate limits, so each attempt queues
    // for the limits again).
    private T Paced<T, TBuilder>(ModelSpec model, Func<IModelProvider, T> create, Func<T, TBuilder> builder, Func<TBuilder, CircuitBreaker, TBuilder> useBreaker, Func<TBuilder, RetryOptions, TBuilder> useRetries, Func<TBuilder, RateLimitOptions, TBuilder> useRateLimiting, Func<TBuilder, T> build)
    {
        var provider = setup.Models.Resolve(model);
        var client = create(provider);
        if (provider.IsLocal)
        {
            return client;
        }

        var broker = setup.For(model);
        var stack = builder(client);
        if (broker.CircuitBreaker is { } breaker)
        {
            var name = model.ToString();
            stack = useBreaker(stack, _breakers.GetOrAdd(name, _ => new Lazy<CircuitBreaker>(() => new CircuitBreaker(name, breaker, redact))).Value);
        }

        if (broker.Retry is { } retries)
        {
            stack = useRetries(stack, onRetry is null ? retries : retries.AlsoOnRetry(onRetry));
        }

        if (broker.RateLimit is { } limits)
        {
            stack = useRateLimiting(stack, limits);
        }

        return build(stack);
    }
}
