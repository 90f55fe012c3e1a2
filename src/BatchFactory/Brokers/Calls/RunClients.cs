using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>The run's clients, one per model, made on first use from <see cref="RunOptions.Models"/> and shared by every op.</summary>
internal sealed class RunClients(RunOptions options)
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _chat = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IEmbeddingGenerator<string, Embedding<float>>>> _embedding = new(StringComparer.Ordinal);

    public IChatClient Chat(ModelSpec model) =>
        _chat.GetOrAdd(model.ToString(), _ => new Lazy<IChatClient>(() => options.Models.Resolve(model).CreateChatClient(model.Model))).Value;

    public IEmbeddingGenerator<string, Embedding<float>> Embedding(ModelSpec model) =>
        _embedding.GetOrAdd(model.ToString(), _ => new Lazy<IEmbeddingGenerator<string, Embedding<float>>>(() => options.Models.Resolve(model).CreateEmbeddingGenerator(model.Model))).Value;
}
