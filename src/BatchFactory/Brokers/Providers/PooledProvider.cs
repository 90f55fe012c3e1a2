using BatchFactory.Brokers.Pools;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// A provider whose models are served by several servers alike (vLLM, llama.cpp, Ollama): one client per server, and
/// each request balanced over them by an <see cref="EndpointPool"/>. Declared by <see cref="ProviderSettings.BaseUrls"/>.
/// </summary>
internal sealed class PooledProvider : IModelProvider, IHoldsSecrets, IListsModels
{
    private readonly IReadOnlyList<OpenAIProvider> _members;

    /// <param name="name">The provider's name.</param>
    /// <param name="members">One provider per server, in configuration order.</param>
    /// <param name="maxConcurrency">The most requests in flight per server.</param>
    /// <param name="probeInterval">How long a failed server stays out before it is probed.</param>
    public PooledProvider(string name, IReadOnlyList<(Uri Url, OpenAIProvider Provider)> members, int maxConcurrency, TimeSpan probeInterval)
    {
        Name = name;
        _members = [.. members.Select(m => m.Provider)];
        Pool = new EndpointPool(name, [.. members.Select(m => m.Url)], maxConcurrency, probeInterval);
    }

    /// <summary>The servers and their state.</summary>
    public EndpointPool Pool { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public IEnumerable<string> Secrets => _members.SelectMany(m => ((IHoldsSecrets)m).Secrets).Distinct(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Validate(string model) => _members[0].Validate(model);

    /// <inheritdoc/>
    public IChatClient CreateChatClient(string model) => new PooledChatClient(Pool, [.. _members.Select(m => m.CreateChatClient(model))]);

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
        new PooledEmbeddingGenerator(Pool, [.. _members.Select(m => m.CreateEmbeddingGenerator(model))]);

    /// <summary>The list of the first server that has one.</summary>
    public async Task<IReadOnlyCollection<string>?> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        foreach (var member in _members)
        {
            if (await member.ListModelsAsync(cancellationToken).ConfigureAwait(false) is { } list)
            {
                return list;
            }
        }

        return null;
    }
}
