using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// The run's clients, one per model, made on first use from <see cref="RunOptions.Models"/> and shared by every op,
/// each wrapped in the model's retries and rate limits (<see cref="RunOptions.Broker"/>, <see cref="RunOptions.BrokerFor"/>),
/// so limits hold across ops. The offline provider is called directly: it has nothing to pace or retry.
/// </summary>
internal sealed class RunClients(RunOptions options)
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _chat = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IEmbeddingGenerator<string, Embedding<float>>>> _embedding = new(StringComparer.Ordinal);

    public IChatClient Chat(ModelSpec model) =>
        _chat.GetOrAdd(model.ToString(), _ => new Lazy<IChatClient>(() =>
        {
            var client = options.Models.Resolve(model).CreateChatClient(model.Model);
            if (IsOffline(model))
            {
                return client;
            }

            var broker = BrokerOf(model);
            var builder = new ChatClientBuilder(client);
            if (broker.Retry is not null)
            {
                builder.UseRetries(broker.Retry);
            }

            if (broker.RateLimit is not null)
            {
                builder.UseRateLimiting(broker.RateLimit);
            }

            return builder.Build();
        })).Value;

    public IEmbeddingGenerator<string, Embedding<float>> Embedding(ModelSpec model) =>
        _embedding.GetOrAdd(model.ToString(), _ => new Lazy<IEmbeddingGenerator<string, Embedding<float>>>(() =>
        {
            var generator = options.Models.Resolve(model).CreateEmbeddingGenerator(model.Model);
            if (IsOffline(model))
            {
                return generator;
            }

            var broker = BrokerOf(model);
            var builder = new EmbeddingGeneratorBuilder<string, Embedding<float>>(generator);
            if (broker.Retry is not null)
            {
                builder.UseRetries(broker.Retry);
            }

            if (broker.RateLimit is not null)
            {
                builder.UseRateLimiting(broker.RateLimit);
            }

            return builder.Build();
        })).Value;

    private static bool IsOffline(ModelSpec model) => string.Equals(model.Provider, "offline", StringComparison.OrdinalIgnoreCase);

    private BrokerOptions BrokerOf(ModelSpec model) => options.BrokerFor?.GetValueOrDefault(model.ToString()) ?? options.Broker;
}
