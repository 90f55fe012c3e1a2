using System.Collections.Immutable;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// The providers a run can call, by name. <see cref="Default"/> has <c>openai</c>, <c>azure</c> and <c>offline</c>;
/// add your own with <see cref="With(IModelProvider)"/> or <see cref="WithChatClient"/> and pass the result as
/// <see cref="RunOptions.Models"/>. Immutable: each <c>With</c> returns a new registry.
/// </summary>
public sealed class ModelProviders
{
    private readonly ImmutableDictionary<string, IModelProvider> _providers;

    private ModelProviders(ImmutableDictionary<string, IModelProvider> providers) => _providers = providers;

    /// <summary>The built-in providers: <c>openai</c> (<see cref="OpenAIProvider"/>), <c>azure</c> (<see cref="AzureOpenAIProvider"/>) and <c>offline</c> (<see cref="OfflineProvider"/>).</summary>
    public static ModelProviders Default { get; } = new ModelProviders(ImmutableDictionary<string, IModelProvider>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase))
        .With(new OpenAIProvider())
        .With(new AzureOpenAIProvider())
        .With(new OfflineProvider());

    /// <summary>The registered provider names.</summary>
    public IEnumerable<string> Names => _providers.Keys.Order(StringComparer.Ordinal);

    /// <summary>Returns a registry with <paramref name="provider"/> added, replacing one of the same name.</summary>
    public ModelProviders With(IModelProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider.Name);
        return new ModelProviders(_providers.SetItem(provider.Name, provider));
    }

    /// <summary>
    /// Returns a registry where models <c>…@<paramref name="name"/></c> are answered by the client
    /// <paramref name="createClient"/> makes for the model name (any <see cref="IChatClient"/>: a local model, a test double,
    /// another vendor's SDK).
    /// </summary>
    /// <param name="name">The provider's name, as in <c>model@name</c>.</param>
    /// <param name="createClient">Makes the client for a model name.</param>
    /// <param name="secrets">
    /// The API keys the clients send (e.g. the value of the variable you read a key from), so that they are kept out of
    /// logs, events, summaries, ledgers and entries as the built-in providers' keys are. Default none.
    /// </param>
    public ModelProviders WithChatClient(string name, Func<string, IChatClient> createClient, IEnumerable<string?>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(createClient);
        return With(new DelegateProvider(name, createClient, [.. (secrets ?? []).OfType<string>().Where(s => s.Length > 0)]));
    }

    /// <summary>The secrets the registered providers declare (<see cref="IHoldsSecrets"/>), for keeping them out of everything the run writes.</summary>
    internal IEnumerable<string> Secrets => _providers.Values.OfType<IHoldsSecrets>().SelectMany(p => p.Secrets);

    /// <summary>Finds the provider of <paramref name="model"/> and checks the model can be called, without calling it.</summary>
    /// <exception cref="ModelConfigurationException">The provider is not registered, or the provider refuses the model.</exception>
    public IModelProvider Resolve(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_providers.TryGetValue(model.Provider, out var provider))
        {
            throw new ModelConfigurationException(
                $"The model '{model}' names the provider '{model.Provider}', which is not registered. Known providers: {string.Join(", ", Names)}. " +
                "Register your own with ModelProviders.Default.WithChatClient(name, ...) and pass it as RunOptions.Models.");
        }

        provider.Validate(model.Model);
        return provider;
    }

    private sealed class DelegateProvider(string name, Func<string, IChatClient> createClient, string[] secrets) : IModelProvider, IHoldsSecrets
    {
        public string Name => name;

        public IEnumerable<string> Secrets => secrets;

        public void Validate(string model)
        {
        }

        public IChatClient CreateChatClient(string model) => new Brokers.BorrowedChatClient(createClient(model));

        public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) =>
            throw new ModelConfigurationException($"The provider '{name}' was registered with a chat client only, so it cannot embed text with '{model}@{name}'. Register an IModelProvider to embed.");
    }
}
