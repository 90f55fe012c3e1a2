using System.Collections.Immutable;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// The providers a run can call, by name. <see cref="Default"/> has <c>openai</c>, <c>azure</c>, <c>anthropic</c> and <c>offline</c>;
/// declare more by kind and settings with <see cref="With(string, ProviderSettings, Func{string, string?})"/>, add your
/// own with <see cref="With(IModelProvider)"/> or <see cref="WithChatClient"/>, and pass the result as
/// <see cref="RunOptions.Models"/>. Immutable: each <c>With</c> returns a new registry.
/// </summary>
public sealed class ModelProviders
{
    private readonly ImmutableDictionary<string, IModelProvider> _providers;
    private readonly ImmutableDictionary<string, Func<string, ProviderSettings, IModelProvider>> _kinds;
    private readonly ImmutableDictionary<string, Brokers.ProviderDefaults> _defaults;

    private ModelProviders(
        ImmutableDictionary<string, IModelProvider> providers,
        ImmutableDictionary<string, Func<string, ProviderSettings, IModelProvider>>? kinds = null,
        ImmutableDictionary<string, Brokers.ProviderDefaults>? defaults = null)
    {
        _providers = providers;
        _kinds = kinds ?? ImmutableDictionary<string, Func<string, ProviderSettings, IModelProvider>>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);
        _defaults = defaults ?? ImmutableDictionary<string, Brokers.ProviderDefaults>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The built-in providers: <c>openai</c> (<see cref="OpenAIProvider"/>), <c>azure</c> (<see cref="AzureOpenAIProvider"/>), <c>anthropic</c> (<see cref="AnthropicProvider"/>) and <c>offline</c> (<see cref="OfflineProvider"/>).</summary>
    public static ModelProviders Default { get; } = new ModelProviders(ImmutableDictionary<string, IModelProvider>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase))
        .With(new OpenAIProvider())
        .With(new AzureOpenAIProvider())
        .With(new AnthropicProvider())
        .With(new OfflineProvider());

    /// <summary>The registered provider names.</summary>
    public IEnumerable<string> Names => _providers.Keys.Order(StringComparer.Ordinal);

    /// <summary>Returns a registry with <paramref name="provider"/> added, replacing one of the same name (and its settings' limits and prices).</summary>
    public ModelProviders With(IModelProvider provider) => With(provider, defaults: null);

    /// <summary>The rate limits named providers give their models (<see cref="ProviderSettings.Limits"/>).</summary>
    internal IEnumerable<(string Provider, RateLimitOptions Limits)> ProviderLimits =>
        _defaults.Where(d => d.Value.Limits is not null).Select(d => (d.Key, d.Value.Limits!));

    /// <summary>The prices named providers give their models (<see cref="ProviderSettings.Prices"/>).</summary>
    internal IEnumerable<(ModelSpec Model, Brokers.ProviderPrice Price)> ProviderPrices =>
        _defaults.SelectMany(d => d.Value.Prices.Select(p => (new ModelSpec(p.Key, d.Key), p.Value)));

    private ModelProviders With(IModelProvider provider, Brokers.ProviderDefaults? defaults)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider.Name);
        if (provider.Name.Equals(Brokers.FallbackChains.ProviderName, StringComparison.OrdinalIgnoreCase) && provider is not Brokers.FallbackChains)
        {
            throw new ArgumentException($"'{Brokers.FallbackChains.ProviderName}' is the name fallback chains are written under; give the provider another name.", nameof(provider));
        }

        return new ModelProviders(
            _providers.SetItem(provider.Name, provider),
            _kinds,
            defaults is null ? _defaults.Remove(provider.Name) : _defaults.SetItem(provider.Name, defaults));
    }

    /// <summary>
    /// Returns a registry with the provider <paramref name="settings"/> describe added under <paramref name="name"/>
    /// (replacing one of the same name), so <c>model@<paramref name="name"/></c> is answered by it. The settings are
    /// checked now; whether the key variable is set is checked when a run uses the provider, before any call.
    /// </summary>
    /// <param name="name">The provider's name, as in <c>model@name</c>; no <c>@</c>.</param>
    /// <param name="settings">Its kind and settings.</param>
    /// <param name="environment">Returns an environment variable's value, or <see langword="null"/>. Default: the process's environment.</param>
    /// <exception cref="ModelConfigurationException">A setting is missing or wrong; the message names it as <c>Providers:&lt;name&gt;:&lt;setting&gt;</c>.</exception>
    public ModelProviders With(string name, ProviderSettings settings, Func<string, string?>? environment = null) =>
        With(name, settings, $"Providers:{name}", environment);

    /// <summary>
    /// Returns a registry where providers of kind <paramref name="kind"/> (in <see cref="ProviderSettings.Kind"/>) are
    /// made by <paramref name="create"/>, e.g. a provider over another vendor's <see cref="IChatClient"/>.
    /// </summary>
    /// <param name="kind">The kind's name, case-insensitive; not one of the built-in kinds.</param>
    /// <param name="create">Makes the provider from its name and settings; throw <see cref="ModelConfigurationException"/> for a bad setting.</param>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is a built-in kind.</exception>
    public ModelProviders WithKind(string kind, Func<string, ProviderSettings, IModelProvider> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(create);
        if (Brokers.ProviderKinds.BuiltIn.Contains(kind, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{kind}' is a built-in provider kind; give yours another name.", nameof(kind));
        }

        return new ModelProviders(_providers, _kinds.SetItem(kind, create), _defaults);
    }

    /// <summary>
    /// Returns a registry with the fallback chain <paramref name="name"/>, written <c><paramref name="name"/>@fallback</c>:
    /// each request goes to the first of <paramref name="members"/> whose circuit breaker is closed and whose rate-limit
    /// pause is shorter than <paramref name="maxWait"/>, and to the next when a member fails for good with a provider
    /// error (connection, timeout, 5xx, 401/403/404, a 429 past the retries) rather than an error about the request
    /// itself. Before calling, a run looks the request up under every member, so an answer any member gave is never paid
    /// for again; each answer is stored under the key a direct call to its member would use, and its <c>model</c> names
    /// the member.
    /// </summary>
    /// <param name="name">The chain's name; no <c>@</c>.</param>
    /// <param name="members">The members, <c>model@provider</c> each, first choice first; at least two, no chains.</param>
    /// <param name="maxWait">The longest rate-limit pause worth waiting for before falling back. Default 10 seconds.</param>
    /// <exception cref="ModelConfigurationException">The name or a member is not valid; the message says which.</exception>
    public ModelProviders WithFallback(string name, IReadOnlyList<string> members, TimeSpan? maxWait = null) =>
        WithFallback(name, members, maxWait, $"Strategies:{name}");

    /// <summary>The members of <paramref name="model"/> when it names a fallback chain; else <see langword="null"/>.</summary>
    internal Brokers.FallbackChain? ChainOf(ModelSpec model) =>
        model.Provider == Brokers.FallbackChains.ProviderName && _providers.GetValueOrDefault(model.Provider) is Brokers.FallbackChains chains
            ? chains.Chain(model.Model)
            : null;

    /// <summary>As <see cref="WithFallback(string, IReadOnlyList{string}, TimeSpan?)"/>, naming settings in errors by <paramref name="path"/>.</summary>
    internal ModelProviders WithFallback(string name, IReadOnlyList<string> members, TimeSpan? maxWait, string path)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (string.IsNullOrWhiteSpace(name) || name.Contains('@', StringComparison.Ordinal))
        {
            throw new ModelConfigurationException($"{path}: '{name}' is not a valid chain name: give a non-empty name without '@'.");
        }

        if (members.Count < 2)
        {
            throw new ModelConfigurationException($"{path}:Fallback lists {members.Count} model(s); a fallback chain needs at least two, first choice first.");
        }

        if (maxWait is { } wait && wait < TimeSpan.Zero)
        {
            throw new ModelConfigurationException($"{path}:MaxWait is {wait}; it must not be negative.");
        }

        var specs = members.Select((member, i) =>
        {
            var at = member?.LastIndexOf('@') ?? -1;
            if (member is null || at <= 0 || at == member.Length - 1)
            {
                throw new ModelConfigurationException($"{path}:Fallback:{i} is '{member}'; write each member as model@provider, e.g. 'gpt-4o-mini@openai'.");
            }

            var spec = ModelSpec.Parse(member);
            return spec.Provider == Brokers.FallbackChains.ProviderName
                ? throw new ModelConfigurationException($"{path}:Fallback:{i} is the chain '{member}'; a chain's members are models, not chains.")
                : spec;
        }).ToArray();
        var chains = _providers.GetValueOrDefault(Brokers.FallbackChains.ProviderName) as Brokers.FallbackChains ?? Brokers.FallbackChains.Empty;
        return new ModelProviders(_providers.SetItem(Brokers.FallbackChains.ProviderName, chains.With(new Brokers.FallbackChain(name, specs, maxWait ?? TimeSpan.FromSeconds(10)))), _kinds, _defaults);
    }

    /// <summary>As <see cref="With(string, ProviderSettings, Func{string, string?})"/>, naming settings in errors by <paramref name="path"/>.</summary>
    internal ModelProviders With(string name, ProviderSettings settings, string path, Func<string, string?>? environment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(settings);
        if (name.Contains('@', StringComparison.Ordinal))
        {
            throw new ModelConfigurationException($"{path}: the provider name '{name}' contains '@'; models are written model@provider, so a provider's name cannot.");
        }

        var provider = Brokers.ProviderKinds.Create(name, settings, path, _kinds, environment);
        return With(provider, Brokers.ProviderDefaults.Read(settings, path));
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
