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
        _chat.GetOrAdd(model.ToString(), _ => new Lazy<IChatClient>(() =>
        {
            var (provider, broker, retries) = Resolve(model);
            var client = provider.CreateChatClient(model.Model);
            if (provider.IsLocal)
            {
                return client;
            }

            // The first Use* is the outermost: retries outside the rate limits, so each attempt queues for the limits again.
            var builder = new ChatClientBuilder(client);
            if (retries is not null)
            {
                builder.UseRetries(retries);
            }

            if (broker.RateLimit is { } limits)
            {
                builder.UseRateLimiting(limits);
            }

            return builder.Build();
        })).Value;

    public IEmbeddingGenerator<string, Embedding<float>> Embedding(ModelSpec model) =>
        _embedding.GetOrAdd(model.ToString(), _ => new Lazy<IEmbeddingGenerator<string, Embedding<float>>>(() =>
        {
            var (provider, broker, retries) = Resolve(model);
            var generator = provider.CreateEmbeddingGenerator(model.Model);
            if (provider.IsLocal)
            {
                return generator;
            }

            var builder = new EmbeddingGeneratorBuilder<string, Embedding<float>>(generator);
            if (retries is not null)
            {
                builder.UseRetries(retries);
            }

            if (broker.RateLimit is { } limits)
            {
                builder.UseRateLimiting(limits);
            }

            return builder.Build();
        })).Value;

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

    // The model's provider, its limits, and its retries with the retry reporting added.
    private (IModelProvider Provider, BrokerOptions Broker, RetryOptions? Retries) Resolve(ModelSpec model)
    {
        var broker = setup.For(model);
        var retries = broker.Retry is { } retry && onRetry is not null ? retry.AlsoOnRetry(onRetry) : broker.Retry;
        return (setup.Models.Resolve(model), broker, retries);
    }
}
