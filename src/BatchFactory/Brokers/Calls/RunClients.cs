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
        _chat.GetOrAdd(model.ToString(), _ => new Lazy<IChatClient>(() => Paced(
            model,
            options.Models.Resolve(model).CreateChatClient(model.Model),
            (client, limits) => new RateLimitingChatClient(client, limits),
            (client, retries) => new RetryingChatClient(client, retries)))).Value;

    public IEmbeddingGenerator<string, Embedding<float>> Embedding(ModelSpec model) =>
        _embedding.GetOrAdd(model.ToString(), _ => new Lazy<IEmbeddingGenerator<string, Embedding<float>>>(() => Paced(
            model,
            options.Models.Resolve(model).CreateEmbeddingGenerator(model.Model),
            (generator, limits) => new RateLimitingEmbeddingGenerator(generator, limits),
            (generator, retries) => new RetryingEmbeddingGenerator(generator, retries)))).Value;

    // Retries outside the rate limits: each attempt queues for the limits again.
    private T Paced<T>(ModelSpec model, T client, Func<T, RateLimitOptions, T> limit, Func<T, RetryOptions, T> retry)
    {
        if (IsOffline(model))
        {
            return client;
        }

        var broker = BrokerOf(model);
        if (broker.RateLimit is { } limits)
        {
            client = limit(client, limits);
        }

        return broker.Retry is { } retries ? retry(client, retries) : client;
    }

    private static bool IsOffline(ModelSpec model) => string.Equals(model.Provider, "offline", StringComparison.OrdinalIgnoreCase);

    private BrokerOptions BrokerOf(ModelSpec model) => options.BrokerFor?.GetValueOrDefault(model.ToString()) ?? options.Broker;
}
