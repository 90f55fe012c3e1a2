using System.Collections.Immutable;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// The <c>fallback</c> provider: the fallback chains declared with <see cref="ModelProviders.WithFallback(string, IReadOnlyList{string}, TimeSpan?)"/>, by name, so
/// <c>writer@fallback</c> names the chain <c>writer</c>. It makes no clients: the broker answers a chain's request
/// member by member (see <see cref="ModelBroker"/>).
/// </summary>
internal sealed class FallbackChains(ImmutableDictionary<string, FallbackChain> chains) : IModelProvider
{
    /// <summary>The provider name chains are written under.</summary>
    public const string ProviderName = "fallback";

    // Names match in any case, as provider names and configuration keys do (BATCHFACTORY__STRATEGIES__WRITER__… declares writer).
    public static FallbackChains Empty { get; } = new(ImmutableDictionary<string, FallbackChain>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase));

    public string Name => ProviderName;

    public FallbackChains With(FallbackChain chain) => new(chains.SetItem(chain.Name, chain));

    /// <summary>The chain <paramref name="name"/>.</summary>
    /// <exception cref="ModelConfigurationException">No chain has that name; the message lists near ones.</exception>
    public FallbackChain Chain(string name) => chains.TryGetValue(name, out var chain)
        ? chain
        : throw new ModelConfigurationException(
            $"'{name}@{ProviderName}' names no fallback chain. " + (NearMatches.Of(name, chains.Keys) is { Count: > 0 } near
                ? $"Did you mean {string.Join(" or ", near.Select(n => $"'{n}@{ProviderName}'"))}?"
                : chains.IsEmpty ? "None is declared: declare one with ModelProviders.WithFallback or under BatchFactory:Strategies in configuration." : $"Declared: {string.Join(", ", chains.Keys.Order(StringComparer.Ordinal))}."));

    /// <summary>Checks the chain exists; its members are checked by the run (<see cref="ModelCatalog"/>).</summary>
    public void Validate(string model) => _ = Chain(model);

    public IChatClient CreateChatClient(string model) =>
        throw new InvalidOperationException($"'{model}@{ProviderName}' is a fallback chain: the broker calls its members, not the chain.");

    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
        throw new InvalidOperationException($"'{model}@{ProviderName}' is a fallback chain: the broker calls its members, not the chain.");
}
