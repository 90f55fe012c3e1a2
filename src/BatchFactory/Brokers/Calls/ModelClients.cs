using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// A run's clients, one per model, made on first use from its providers and shared by every op, each wrapped in the
/// model's retries and rate limits (<see cref="BrokerSetup.For"/>) with the library's own <c>UseRetries</c> and
/// <c>UseRateLimiting</c> decorators, so limits hold across ops. A local provider
/// (<see cref="IModelProvider.IsLocal"/>) is called directly: it has nothing to pace or retry. Disposing disposes every
/// client made.
/// </summary>
/// <param name="setup">The providers and limits.</param>
/// <param name="onRetry">Told of every retry, when not <see langword="null"/>.</param>
internal sealed class ModelClients(BrokerSetup setup, Action<RetryEvent>? onRetry) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _chat = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IEmbeddingGenerator<string, Embedding<float>>>> _embedding = new(StringComparer.Ordinal);

    public IChatClient Chat(ModelSpec model) =>
        _chat.GetOrAdd(model.ToString(), _ => new Lazy<IChatClient>(() => Paced(
            model,
            provider => provider.CreateChatClient(model.Model),
            client => new ChatClientBuilder(client),
            (builder, retries) => builder.UseRetries(retries),
            (builder, limits) => builder.UseRateLimiting(limits),
            builder => builder.Build()))).Value;

    public IEmbeddingGenerator<string, Embedding<float>> Embedding(ModelSpec model) =>
        _embedding.GetOrAdd(model.ToString(), _ => new Lazy<IEmbeddingGenerator<string, Embedding<float>>>(() => Paced(
            model,
            provider => provider.CreateEmbeddingGenerator(model.Model),
            generator => new EmbeddingGeneratorBuilder<string, Embedding<float>>(generator),
            (builder, retries) => builder.UseRetries(retries),
            (builder, limits) => builder.UseRateLimiting(limits),
            builder => builder.Build()))).Value;

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
    }

    // The model's client, stacked with its retries and then its limits (the first Use* is the outermost: retries
    // outside the rate limits, so each attempt queues for the limits again).
    private T Paced<T, TBuilder>(ModelSpec model, Func<IModelProvider, T> create, Func<T, TBuilder> builder, Func<TBuilder, RetryOptions, TBuilder> useRetries, Func<TBuilder, RateLimitOptions, TBuilder> useRateLimiting, Func<TBuilder, T> build)
    {
        var provider = setup.Models.Resolve(model);
        var client = create(provider);
        if (provider.IsLocal)
        {
            return client;
        }

        var broker = setup.For(model);
        var stack = builder(client);
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
